"""A believable demo data set, written through the real service functions."""
