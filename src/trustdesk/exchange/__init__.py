"""Chain knowledge of the exchange domain: registry, address checks, deposit diagnosis."""
