"""Help center: categorised articles per language, search, and "was this helpful" feedback."""
