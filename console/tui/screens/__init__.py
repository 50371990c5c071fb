"""The modal screens: confirmations, a mail's detail, a cause's mails, exports, help."""
