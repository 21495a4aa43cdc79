"""Errors of the machine a night runs on, as opposed to a portal's or a document's outcome.

A full disk, an I/O error or a worker that cannot start says nothing about the portal being
crawled or the document being parsed, so these are never recorded as a portal's health or a
report's parse status: the stage stops, the night fails, and the published warehouse stays as it was.
"""


class InfrastructureError(RuntimeError):
    """The night's own machinery failed (disk, archive, memory limits); the message says what to fix."""
