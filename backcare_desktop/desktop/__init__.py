"""Living on the desktop: one instance, no screen blanking mid-session, desk-break reminders.

Every service used here is optional: without it the app goes on as before, and says so
only in the log.
"""
