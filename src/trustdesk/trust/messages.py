"""Customer-facing texts of the channel check and the look-alike warnings, in the 15 languages.

Placeholders: {value} (what the customer checked or wrote), {official} (our channel it imitates).
Reason keys are the `trustdesk.risk.Reason` codes. English is the fallback for a missing text.
"""

from __future__ import annotations

from typing import Any

LANGUAGES = (
    "en",
    "zh-CN",
    "zh-TW",
    "ja",
    "ko",
    "vi",
    "id",
    "tr",
    "ru",
    "uk",
    "es",
    "pt-BR",
    "fr",
    "de",
    "ar",
)

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "official": "{value} is one of our official channels.",
        "lookalike": "{value} is NOT one of our official channels: it imitates {official}. "
        "Treat it as a scam.",
        "lookalike_noref": "{value} is NOT one of our official channels and looks like an "
        "impersonation. Treat it as a scam.",
        "unknown": "{value} is not one of our official channels.",
        "invalid": "We could not recognise this as a web address, e-mail address, phone number "
        "or social media handle.",
        "advice": "We never ask for your password, seed phrase, private key or 2FA code, and we "
        "never ask you to send funds to verify your account. When in doubt, contact us only "
        "through our official app or website.",
        "dont": "Do not sign in there, do not share any code, and do not send funds.",
        "homoglyph": "It uses look-alike characters to copy our name.",
        "punycode": "It mixes in letters from other alphabets that look like ours.",
        "typo": "It is a misspelling of our name.",
        "added_word": "It adds words such as “support” or “verify” to our name.",
        "other_tld": "It uses our name with a different domain ending.",
        "subdomain_abuse": "Our name is only a prefix on someone else's domain.",
        "free_hosting": "It is hosted on a free website or hosting platform.",
        "brand_in_path": "Our name appears in the link, but not in the real address.",
        "userinfo": "The link hides its real destination after an “@”.",
        "freemail": "It is a free e-mail account; we never write from one.",
        "brand_in_local_part": "Our name appears before the “@”, but the e-mail domain is not "
        "ours.",
        "not_official": "It is not in our register of official channels.",
    },
    "zh-CN": {
        "official": "{value} 是我们的官方渠道。",
        "lookalike": "{value} 不是我们的官方渠道：它在仿冒 {official}。请视为诈骗。",
        "lookalike_noref": "{value} 不是我们的官方渠道，看起来是仿冒。请视为诈骗。",
        "unknown": "{value} 不是我们的官方渠道。",
        "invalid": "无法识别为网址、电子邮件地址、电话号码或社交媒体账号。",
        "advice": "我们绝不会索要您的密码、助记词、私钥或双重验证（2FA）码，也绝不会要求您转账"
        "来验证账户。如有疑问，请只通过我们的官方 App 或网站联系我们。",
        "dont": "请勿在该处登录、勿提供任何验证码、勿转账。",
        "homoglyph": "它使用形似的字符来冒充我们的名称。",
        "punycode": "它混入了其他文字中外形相似的字母。",
        "typo": "它是我们名称的错误拼写。",
        "added_word": "它在我们的名称上添加了“support”“verify”等词。",
        "other_tld": "它使用了我们的名称，但域名后缀不同。",
        "subdomain_abuse": "我们的名称只是他人域名的前缀。",
        "free_hosting": "它托管在免费建站或托管平台上。",
        "brand_in_path": "我们的名称出现在链接中，但并不在真实地址里。",
        "userinfo": "该链接把真实目的地隐藏在“@”之后。",
        "freemail": "这是免费邮箱账户；我们从不使用免费邮箱发信。",
        "brand_in_local_part": "我们的名称出现在“@”之前，但邮箱域名不是我们的。",
        "not_official": "它不在我们的官方渠道登记册中。",
    },
    "zh-TW": {
        "official": "{value} 是我們的官方管道。",
        "lookalike": "{value} 不是我們的官方管道：它在仿冒 {official}。請視為詐騙。",
        "lookalike_noref": "{value} 不是我們的官方管道，看起來是仿冒。請視為詐騙。",
        "unknown": "{value} 不是我們的官方管道。",
        "invalid": "無法辨識為網址、電子郵件地址、電話號碼或社群媒體帳號。",
        "advice": "我們絕不會索取您的密碼、助記詞、私鑰或雙重驗證（2FA）碼，也絕不會要求您轉帳"
        "來驗證帳戶。如有疑慮，請只透過我們的官方 App 或網站與我們聯繫。",
        "dont": "請勿在該處登入、勿提供任何驗證碼、勿轉帳。",
        "homoglyph": "它使用外形相似的字元來冒充我們的名稱。",
        "punycode": "它混入了其他文字中外形相似的字母。",
        "typo": "它是我們名稱的錯誤拼寫。",
        "added_word": "它在我們的名稱上加入了「support」「verify」等字詞。",
        "other_tld": "它使用了我們的名稱，但網域結尾不同。",
        "subdomain_abuse": "我們的名稱只是他人網域的前綴。",
        "free_hosting": "它架設在免費的網站或託管平台上。",
        "brand_in_path": "我們的名稱出現在連結中，但不在真實位址裡。",
        "userinfo": "該連結把真正的目的地藏在「@」之後。",
        "freemail": "這是免費電子郵件帳戶；我們從不以免費信箱寄信。",
        "brand_in_local_part": "我們的名稱出現在「@」之前，但郵件網域不是我們的。",
        "not_official": "它不在我們的官方管道登記冊中。",
    },
    "ja": {
        "official": "{value} は当社の公式チャネルです。",
        "lookalike": "{value} は当社の公式チャネルではありません。{official} になりすましています。"
        "詐欺としてご注意ください。",
        "lookalike_noref": "{value} は当社の公式チャネルではなく、なりすましの可能性があります。"
        "詐欺としてご注意ください。",
        "unknown": "{value} は当社の公式チャネルではありません。",
        "invalid": "URL、メールアドレス、電話番号、SNS アカウントのいずれとしても認識できません"
        "でした。",
        "advice": "当社がパスワード、シードフレーズ、秘密鍵、2段階認証（2FA）コードを尋ねることは"
        "決してありません。アカウント確認のために送金をお願いすることもありません。不安な場合は、"
        "公式アプリまたは公式サイトからのみお問い合わせください。",
        "dont": "そこでログインしたり、コードを伝えたり、送金したりしないでください。",
        "homoglyph": "よく似た文字を使って当社の名前をまねています。",
        "punycode": "当社の名前に似た他の文字体系の文字が混ざっています。",
        "typo": "当社の名前のつづりを変えたものです。",
        "added_word": "当社の名前に「support」や「verify」などの語を付け加えています。",
        "other_tld": "当社の名前を別のドメイン末尾で使っています。",
        "subdomain_abuse": "当社の名前は他人のドメインの先頭に付いているだけです。",
        "free_hosting": "無料のウェブサイト・ホスティングサービス上にあります。",
        "brand_in_path": "当社の名前はリンク内にありますが、実際のアドレスにはありません。",
        "userinfo": "リンクの本当の行き先が「@」の後ろに隠されています。",
        "freemail": "無料メールのアカウントです。当社が無料メールから連絡することはありません。",
        "brand_in_local_part": "「@」の前に当社の名前がありますが、メールのドメインは当社の"
        "ものではありません。",
        "not_official": "当社の公式チャネル登録簿にありません。",
    },
    "ko": {
        "official": "{value}은(는) 당사의 공식 채널입니다.",
        "lookalike": "{value}은(는) 당사의 공식 채널이 아닙니다. {official}을(를) 사칭하고 "
        "있습니다. 사기로 간주하세요.",
        "lookalike_noref": "{value}은(는) 당사의 공식 채널이 아니며 사칭으로 보입니다. 사기로 "
        "간주하세요.",
        "unknown": "{value}은(는) 당사의 공식 채널이 아닙니다.",
        "invalid": "웹 주소, 이메일 주소, 전화번호 또는 소셜 미디어 계정으로 인식할 수 없습니다.",
        "advice": "당사는 비밀번호, 시드 문구, 개인 키 또는 2단계 인증(2FA) 코드를 절대 요구하지 "
        "않으며, 계정 확인을 위해 송금을 요구하지도 않습니다. 의심스러우면 공식 앱이나 웹사이트를 "
        "통해서만 문의하세요.",
        "dont": "그곳에 로그인하거나 코드를 알려 주거나 송금하지 마세요.",
        "homoglyph": "비슷하게 생긴 문자를 사용해 당사 이름을 흉내 냅니다.",
        "punycode": "다른 문자 체계의 비슷한 글자를 섞어 씁니다.",
        "typo": "당사 이름의 철자를 바꾼 것입니다.",
        "added_word": "당사 이름에 “support”, “verify” 같은 단어를 덧붙였습니다.",
        "other_tld": "당사 이름을 다른 도메인 확장자와 함께 사용합니다.",
        "subdomain_abuse": "당사 이름은 다른 사람의 도메인 앞에 붙은 것일 뿐입니다.",
        "free_hosting": "무료 웹사이트·호스팅 플랫폼에 있습니다.",
        "brand_in_path": "당사 이름이 링크에 있지만 실제 주소에는 없습니다.",
        "userinfo": "링크가 실제 목적지를 “@” 뒤에 숨기고 있습니다.",
        "freemail": "무료 이메일 계정입니다. 당사는 무료 이메일로 연락하지 않습니다.",
        "brand_in_local_part": "“@” 앞에 당사 이름이 있지만 이메일 도메인은 당사 것이 아닙니다.",
        "not_official": "당사의 공식 채널 목록에 없습니다.",
    },
    "vi": {
        "official": "{value} là một kênh chính thức của chúng tôi.",
        "lookalike": "{value} KHÔNG phải kênh chính thức của chúng tôi: nó giả mạo {official}. "
        "Hãy coi đây là lừa đảo.",
        "lookalike_noref": "{value} KHÔNG phải kênh chính thức của chúng tôi và có dấu hiệu giả "
        "mạo. Hãy coi đây là lừa đảo.",
        "unknown": "{value} không phải kênh chính thức của chúng tôi.",
        "invalid": "Chúng tôi không nhận ra đây là địa chỉ web, địa chỉ email, số điện thoại hay "
        "tài khoản mạng xã hội.",
        "advice": "Chúng tôi không bao giờ hỏi mật khẩu, cụm từ khôi phục (seed phrase), khóa "
        "riêng hay mã 2FA của bạn, và không bao giờ yêu cầu bạn chuyển tiền để xác minh tài "
        "khoản. Nếu nghi ngờ, chỉ liên hệ với chúng tôi qua ứng dụng hoặc trang web chính thức.",
        "dont": "Đừng đăng nhập ở đó, đừng chia sẻ bất kỳ mã nào và đừng chuyển tiền.",
        "homoglyph": "Nó dùng các ký tự trông giống nhau để sao chép tên của chúng tôi.",
        "punycode": "Nó trộn chữ cái của bảng chữ khác trông giống chữ của chúng tôi.",
        "typo": "Đây là tên của chúng tôi bị viết sai chính tả.",
        "added_word": "Nó thêm các từ như “support” hoặc “verify” vào tên của chúng tôi.",
        "other_tld": "Nó dùng tên của chúng tôi với đuôi tên miền khác.",
        "subdomain_abuse": "Tên của chúng tôi chỉ là phần đầu trên tên miền của người khác.",
        "free_hosting": "Nó được lưu trữ trên một nền tảng web hoặc hosting miễn phí.",
        "brand_in_path": "Tên của chúng tôi có trong liên kết nhưng không nằm trong địa chỉ thật.",
        "userinfo": "Liên kết giấu đích đến thật sau dấu “@”.",
        "freemail": "Đây là tài khoản email miễn phí; chúng tôi không bao giờ gửi thư từ loại này.",
        "brand_in_local_part": "Tên của chúng tôi nằm trước dấu “@”, nhưng tên miền email không "
        "phải của chúng tôi.",
        "not_official": "Nó không có trong danh sách kênh chính thức của chúng tôi.",
    },
    "id": {
        "official": "{value} adalah salah satu kanal resmi kami.",
        "lookalike": "{value} BUKAN kanal resmi kami: ini meniru {official}. Anggap sebagai "
        "penipuan.",
        "lookalike_noref": "{value} BUKAN kanal resmi kami dan tampak seperti peniruan. Anggap "
        "sebagai penipuan.",
        "unknown": "{value} bukan kanal resmi kami.",
        "invalid": "Kami tidak dapat mengenali ini sebagai alamat web, alamat email, nomor "
        "telepon, atau akun media sosial.",
        "advice": "Kami tidak pernah meminta kata sandi, frasa pemulihan (seed phrase), kunci "
        "privat, atau kode 2FA Anda, dan tidak pernah meminta Anda mengirim dana untuk "
        "memverifikasi akun. Jika ragu, hubungi kami hanya melalui aplikasi atau situs web resmi.",
        "dont": "Jangan masuk (login) di sana, jangan bagikan kode apa pun, dan jangan kirim dana.",
        "homoglyph": "Ini memakai karakter yang mirip untuk meniru nama kami.",
        "punycode": "Ini mencampurkan huruf dari abjad lain yang mirip huruf kami.",
        "typo": "Ini adalah salah eja dari nama kami.",
        "added_word": "Ini menambahkan kata seperti “support” atau “verify” pada nama kami.",
        "other_tld": "Ini memakai nama kami dengan akhiran domain yang berbeda.",
        "subdomain_abuse": "Nama kami hanya awalan pada domain milik orang lain.",
        "free_hosting": "Ini di-hosting di platform situs web atau hosting gratis.",
        "brand_in_path": "Nama kami ada di tautan, tetapi tidak di alamat yang sebenarnya.",
        "userinfo": "Tautan ini menyembunyikan tujuan sebenarnya setelah tanda “@”.",
        "freemail": "Ini akun email gratis; kami tidak pernah mengirim email dari akun "
        "seperti itu.",
        "brand_in_local_part": "Nama kami ada sebelum “@”, tetapi domain emailnya bukan milik "
        "kami.",
        "not_official": "Ini tidak ada dalam daftar kanal resmi kami.",
    },
    "tr": {
        "official": "{value} resmî kanallarımızdan biridir.",
        "lookalike": "{value} resmî kanallarımızdan biri DEĞİLDİR: {official} adresini taklit "
        "ediyor. Bunu dolandırıcılık olarak değerlendirin.",
        "lookalike_noref": "{value} resmî kanallarımızdan biri DEĞİLDİR ve bir taklit gibi "
        "görünüyor. Bunu dolandırıcılık olarak değerlendirin.",
        "unknown": "{value} resmî kanallarımızdan biri değildir.",
        "invalid": "Bunu bir web adresi, e-posta adresi, telefon numarası veya sosyal medya "
        "hesabı olarak tanıyamadık.",
        "advice": "Şifrenizi, kurtarma ifadenizi (seed phrase), özel anahtarınızı veya 2FA "
        "kodunuzu asla istemeyiz; hesabınızı doğrulamak için para göndermenizi de asla istemeyiz. "
        "Şüphe duyarsanız bize yalnızca resmî uygulamamız veya web sitemiz üzerinden ulaşın.",
        "dont": "Orada oturum açmayın, hiçbir kodu paylaşmayın ve para göndermeyin.",
        "homoglyph": "Adımızı kopyalamak için birbirine benzeyen karakterler kullanıyor.",
        "punycode": "Harflerimize benzeyen başka alfabelerden harfler içeriyor.",
        "typo": "Adımızın yanlış yazılmış hâli.",
        "added_word": "Adımıza “support” veya “verify” gibi kelimeler ekliyor.",
        "other_tld": "Adımızı farklı bir alan adı uzantısıyla kullanıyor.",
        "subdomain_abuse": "Adımız yalnızca başkasına ait bir alan adının önünde duruyor.",
        "free_hosting": "Ücretsiz bir web sitesi veya barındırma platformunda yayında.",
        "brand_in_path": "Adımız bağlantıda geçiyor ama gerçek adreste yok.",
        "userinfo": "Bağlantı gerçek hedefini “@” işaretinden sonra gizliyor.",
        "freemail": "Ücretsiz bir e-posta hesabı; biz asla böyle bir hesaptan yazmayız.",
        "brand_in_local_part": "Adımız “@” işaretinden önce geçiyor ama e-posta alan adı bize ait "
        "değil.",
        "not_official": "Resmî kanal kaydımızda yer almıyor.",
    },
    "ru": {
        "official": "{value} — один из наших официальных каналов.",
        "lookalike": "{value} НЕ является нашим официальным каналом: он выдаёт себя за "
        "{official}. Считайте это мошенничеством.",
        "lookalike_noref": "{value} НЕ является нашим официальным каналом и похож на подделку. "
        "Считайте это мошенничеством.",
        "unknown": "{value} не является нашим официальным каналом.",
        "invalid": "Не удалось распознать это как веб-адрес, адрес электронной почты, номер "
        "телефона или аккаунт в соцсети.",
        "advice": "Мы никогда не просим ваш пароль, сид-фразу, приватный ключ или код 2FA и "
        "никогда не просим перевести средства для проверки аккаунта. Если сомневаетесь, "
        "связывайтесь с нами только через официальное приложение или сайт.",
        "dont": "Не входите там в аккаунт, не сообщайте никаких кодов и не переводите средства.",
        "homoglyph": "В нём используются похожие символы, чтобы скопировать наше название.",
        "punycode": "В нём смешаны буквы других алфавитов, похожие на наши.",
        "typo": "Это наше название с опечаткой.",
        "added_word": "К нашему названию добавлены слова вроде «support» или «verify».",
        "other_tld": "Наше название используется с другой доменной зоной.",
        "subdomain_abuse": "Наше название — лишь приставка к чужому домену.",
        "free_hosting": "Он размещён на бесплатной платформе сайтов или хостинга.",
        "brand_in_path": "Наше название есть в ссылке, но не в настоящем адресе.",
        "userinfo": "Ссылка прячет настоящий адрес после знака «@».",
        "freemail": "Это бесплатный почтовый ящик; мы никогда не пишем с таких адресов.",
        "brand_in_local_part": "Наше название стоит до «@», но почтовый домен не наш.",
        "not_official": "Его нет в нашем реестре официальных каналов.",
    },
    "uk": {
        "official": "{value} — один із наших офіційних каналів.",
        "lookalike": "{value} НЕ є нашим офіційним каналом: він видає себе за {official}. "
        "Вважайте це шахрайством.",
        "lookalike_noref": "{value} НЕ є нашим офіційним каналом і схожий на підробку. Вважайте "
        "це шахрайством.",
        "unknown": "{value} не є нашим офіційним каналом.",
        "invalid": "Не вдалося розпізнати це як вебадресу, адресу електронної пошти, номер "
        "телефону чи акаунт у соцмережі.",
        "advice": "Ми ніколи не просимо ваш пароль, сид-фразу, приватний ключ або код 2FA і "
        "ніколи не просимо переказати кошти для перевірки акаунта. Якщо маєте сумніви, "
        "звертайтеся до нас лише через офіційний застосунок або сайт.",
        "dont": "Не входьте там в акаунт, не повідомляйте жодних кодів і не переказуйте кошти.",
        "homoglyph": "У ньому використано схожі символи, щоб скопіювати нашу назву.",
        "punycode": "У ньому змішано літери інших абеток, схожі на наші.",
        "typo": "Це наша назва з друкарською помилкою.",
        "added_word": "До нашої назви додано слова на кшталт «support» чи «verify».",
        "other_tld": "Нашу назву використано з іншою доменною зоною.",
        "subdomain_abuse": "Наша назва — лише префікс до чужого домену.",
        "free_hosting": "Його розміщено на безкоштовній платформі сайтів або хостингу.",
        "brand_in_path": "Наша назва є в посиланні, але не в справжній адресі.",
        "userinfo": "Посилання ховає справжню адресу після знака «@».",
        "freemail": "Це безкоштовна поштова скринька; ми ніколи не пишемо з таких адрес.",
        "brand_in_local_part": "Наша назва стоїть перед «@», але поштовий домен не наш.",
        "not_official": "Його немає в нашому реєстрі офіційних каналів.",
    },
    "es": {
        "official": "{value} es uno de nuestros canales oficiales.",
        "lookalike": "{value} NO es uno de nuestros canales oficiales: imita a {official}. "
        "Trátalo como una estafa.",
        "lookalike_noref": "{value} NO es uno de nuestros canales oficiales y parece una "
        "suplantación. Trátalo como una estafa.",
        "unknown": "{value} no es uno de nuestros canales oficiales.",
        "invalid": "No pudimos reconocer esto como una dirección web, un correo electrónico, un "
        "número de teléfono o una cuenta de redes sociales.",
        "advice": "Nunca te pediremos tu contraseña, tu frase semilla, tu clave privada ni tu "
        "código 2FA, y nunca te pediremos que envíes fondos para verificar tu cuenta. Si tienes "
        "dudas, contáctanos solo a través de nuestra app o sitio web oficiales.",
        "dont": "No inicies sesión allí, no compartas ningún código y no envíes fondos.",
        "homoglyph": "Usa caracteres parecidos para copiar nuestro nombre.",
        "punycode": "Mezcla letras de otros alfabetos que se parecen a las nuestras.",
        "typo": "Es una variante mal escrita de nuestro nombre.",
        "added_word": "Añade palabras como «support» o «verify» a nuestro nombre.",
        "other_tld": "Usa nuestro nombre con otra terminación de dominio.",
        "subdomain_abuse": "Nuestro nombre es solo un prefijo en el dominio de otra persona.",
        "free_hosting": "Está alojado en una plataforma gratuita de sitios web o hosting.",
        "brand_in_path": "Nuestro nombre aparece en el enlace, pero no en la dirección real.",
        "userinfo": "El enlace oculta su destino real después de una «@».",
        "freemail": "Es una cuenta de correo gratuita; nunca escribimos desde una.",
        "brand_in_local_part": "Nuestro nombre aparece antes de la «@», pero el dominio del "
        "correo no es nuestro.",
        "not_official": "No figura en nuestro registro de canales oficiales.",
    },
    "pt-BR": {
        "official": "{value} é um dos nossos canais oficiais.",
        "lookalike": "{value} NÃO é um dos nossos canais oficiais: ele imita {official}. "
        "Trate-o como golpe.",
        "lookalike_noref": "{value} NÃO é um dos nossos canais oficiais e parece uma "
        "falsificação. Trate-o como golpe.",
        "unknown": "{value} não é um dos nossos canais oficiais.",
        "invalid": "Não conseguimos reconhecer isto como endereço web, e-mail, número de telefone "
        "ou perfil de rede social.",
        "advice": "Nunca pedimos sua senha, frase-semente (seed phrase), chave privada ou código "
        "2FA, e nunca pedimos que você envie fundos para verificar sua conta. Na dúvida, fale "
        "conosco somente pelo nosso app ou site oficial.",
        "dont": "Não faça login lá, não compartilhe nenhum código e não envie fundos.",
        "homoglyph": "Usa caracteres parecidos para copiar o nosso nome.",
        "punycode": "Mistura letras de outros alfabetos parecidas com as nossas.",
        "typo": "É uma grafia errada do nosso nome.",
        "added_word": "Acrescenta palavras como “support” ou “verify” ao nosso nome.",
        "other_tld": "Usa o nosso nome com outra terminação de domínio.",
        "subdomain_abuse": "O nosso nome é só um prefixo no domínio de outra pessoa.",
        "free_hosting": "Está hospedado em uma plataforma gratuita de sites ou hospedagem.",
        "brand_in_path": "O nosso nome aparece no link, mas não no endereço real.",
        "userinfo": "O link esconde o destino real depois de um “@”.",
        "freemail": "É uma conta de e-mail gratuita; nunca escrevemos a partir de uma.",
        "brand_in_local_part": "O nosso nome aparece antes do “@”, mas o domínio do e-mail não é "
        "nosso.",
        "not_official": "Não consta no nosso registro de canais oficiais.",
    },
    "fr": {
        "official": "{value} est l'un de nos canaux officiels.",
        "lookalike": "{value} n'est PAS l'un de nos canaux officiels : il imite {official}. "
        "Considérez-le comme une arnaque.",
        "lookalike_noref": "{value} n'est PAS l'un de nos canaux officiels et ressemble à une "
        "usurpation. Considérez-le comme une arnaque.",
        "unknown": "{value} n'est pas l'un de nos canaux officiels.",
        "invalid": "Nous n'avons pas reconnu une adresse web, une adresse e-mail, un numéro de "
        "téléphone ou un compte de réseau social.",
        "advice": "Nous ne vous demandons jamais votre mot de passe, votre phrase de récupération "
        "(seed phrase), votre clé privée ou votre code 2FA, ni d'envoyer des fonds pour vérifier "
        "votre compte. En cas de doute, contactez-nous uniquement via notre application ou notre "
        "site officiels.",
        "dont": "Ne vous y connectez pas, ne communiquez aucun code et n'envoyez pas de fonds.",
        "homoglyph": "Il utilise des caractères ressemblants pour copier notre nom.",
        "punycode": "Il mélange des lettres d'autres alphabets qui ressemblent aux nôtres.",
        "typo": "C'est notre nom mal orthographié.",
        "added_word": "Il ajoute des mots comme « support » ou « verify » à notre nom.",
        "other_tld": "Il utilise notre nom avec une autre extension de domaine.",
        "subdomain_abuse": "Notre nom n'est qu'un préfixe sur le domaine de quelqu'un d'autre.",
        "free_hosting": "Il est hébergé sur une plateforme gratuite de sites ou d'hébergement.",
        "brand_in_path": "Notre nom figure dans le lien, mais pas dans l'adresse réelle.",
        "userinfo": "Le lien cache sa vraie destination après un « @ ».",
        "freemail": "C'est une messagerie gratuite ; nous n'écrivons jamais depuis ce type "
        "d'adresse.",
        "brand_in_local_part": "Notre nom apparaît avant le « @ », mais le domaine de l'adresse "
        "n'est pas le nôtre.",
        "not_official": "Il ne figure pas dans notre registre des canaux officiels.",
    },
    "de": {
        "official": "{value} ist einer unserer offiziellen Kanäle.",
        "lookalike": "{value} ist KEIN offizieller Kanal von uns: Er imitiert {official}. "
        "Behandeln Sie ihn als Betrug.",
        "lookalike_noref": "{value} ist KEIN offizieller Kanal von uns und wirkt wie eine "
        "Fälschung. Behandeln Sie ihn als Betrug.",
        "unknown": "{value} ist keiner unserer offiziellen Kanäle.",
        "invalid": "Wir konnten dies weder als Webadresse, E-Mail-Adresse, Telefonnummer noch als "
        "Social-Media-Konto erkennen.",
        "advice": "Wir fragen niemals nach Ihrem Passwort, Ihrer Seed-Phrase, Ihrem privaten "
        "Schlüssel oder Ihrem 2FA-Code und bitten Sie nie, Geld zur Kontoverifizierung zu senden. "
        "Im Zweifel kontaktieren Sie uns nur über unsere offizielle App oder Website.",
        "dont": "Melden Sie sich dort nicht an, geben Sie keine Codes weiter und senden Sie kein "
        "Geld.",
        "homoglyph": "Er verwendet ähnlich aussehende Zeichen, um unseren Namen zu kopieren.",
        "punycode": "Er mischt Buchstaben aus anderen Alphabeten bei, die unseren ähneln.",
        "typo": "Es ist eine falsche Schreibweise unseres Namens.",
        "added_word": "Er ergänzt unseren Namen um Wörter wie „support“ oder „verify“.",
        "other_tld": "Er verwendet unseren Namen mit einer anderen Domain-Endung.",
        "subdomain_abuse": "Unser Name ist nur ein Präfix auf der Domain eines anderen.",
        "free_hosting": "Er liegt auf einer kostenlosen Website- oder Hosting-Plattform.",
        "brand_in_path": "Unser Name steht im Link, aber nicht in der tatsächlichen Adresse.",
        "userinfo": "Der Link versteckt sein wahres Ziel hinter einem „@“.",
        "freemail": "Es ist ein kostenloses E-Mail-Konto; wir schreiben nie von einem solchen.",
        "brand_in_local_part": "Unser Name steht vor dem „@“, aber die E-Mail-Domain gehört "
        "nicht uns.",
        "not_official": "Er steht nicht in unserem Register offizieller Kanäle.",
    },
    "ar": {
        "official": "{value} هو إحدى قنواتنا الرسمية.",
        "lookalike": "{value} ليس من قنواتنا الرسمية: إنه ينتحل {official}. تعامل معه على أنه "
        "احتيال.",
        "lookalike_noref": "{value} ليس من قنواتنا الرسمية ويبدو أنه انتحال. تعامل معه على أنه "
        "احتيال.",
        "unknown": "{value} ليس من قنواتنا الرسمية.",
        "invalid": "تعذّر علينا التعرّف على هذا كعنوان ويب أو بريد إلكتروني أو رقم هاتف أو حساب "
        "على وسائل التواصل الاجتماعي.",
        "advice": "لن نطلب منك أبدًا كلمة المرور أو عبارة الاسترداد أو المفتاح الخاص أو رمز "
        "المصادقة الثنائية (2FA)، ولن نطلب منك أبدًا إرسال أموال للتحقق من حسابك. عند الشك، "
        "تواصل معنا فقط عبر تطبيقنا أو موقعنا الرسمي.",
        "dont": "لا تسجّل الدخول هناك، ولا تشارك أي رمز، ولا ترسل أي أموال.",
        "homoglyph": "يستخدم أحرفًا متشابهة لتقليد اسمنا.",
        "punycode": "يخلط أحرفًا من أبجديات أخرى تشبه أحرفنا.",
        "typo": "إنه اسمنا مكتوبًا بخطأ إملائي.",
        "added_word": "يضيف كلمات مثل «support» أو «verify» إلى اسمنا.",
        "other_tld": "يستخدم اسمنا مع امتداد نطاق مختلف.",
        "subdomain_abuse": "اسمنا مجرد بادئة على نطاق يملكه شخص آخر.",
        "free_hosting": "إنه مستضاف على منصة مواقع أو استضافة مجانية.",
        "brand_in_path": "يظهر اسمنا في الرابط، لكن ليس في العنوان الحقيقي.",
        "userinfo": "يخفي الرابط وجهته الحقيقية بعد علامة «@».",
        "freemail": "هذا حساب بريد مجاني؛ نحن لا نراسل أبدًا من حساب كهذا.",
        "brand_in_local_part": "يظهر اسمنا قبل «@»، لكن نطاق البريد ليس لنا.",
        "not_official": "إنه غير مدرج في سجل قنواتنا الرسمية.",
    },
}


def text(language: str, key: str, **values: Any) -> str:
    """The message `key` in `language` (English when missing), with its placeholders filled."""
    template = MESSAGES.get(language, {}).get(key) or MESSAGES["en"][key]
    return template.format(**values)
