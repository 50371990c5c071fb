"""The Textual operator console (`console.tui.app.MailQueueApp`): renders and dispatches only.

It speaks to the data through `console.backends.base.MailQueueBackend` and never imports a
database driver; every backend call runs in a thread worker.
"""
