"""Deposit recovery: automatic credits where the rules allow, manual cases with four-eyes."""
