"""The SLA clock: business calendars and deadlines, as pure functions of policy, history and now."""
