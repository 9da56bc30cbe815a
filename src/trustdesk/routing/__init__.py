"""Which agent gets which ticket: skills, language, capacity and fairness."""
