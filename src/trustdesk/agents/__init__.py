"""Support staff: accounts, skills, capacity and presence."""
