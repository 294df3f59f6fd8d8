# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One exception hierarchy for everything that can go wrong talking to a miner.

Every message names ``host:port`` and says the cause in an operator's words. No
message ever carries the password, the derived key, the sign or the AES key: callers
build messages from the fixed texts here plus values the miner sent us.
"""

from __future__ import annotations


class WhatsminerError(Exception):
    """Base of every error this library raises.

    ``host``/``port`` say which miner; ``code`` is the API code where the miner gave
    one. ``retryable`` tells a caller whether the request provably had no effect;
    ``outcome_unknown`` that a write went out and nothing tells whether the miner took it.
    """

    retryable = False
    outcome_unknown = False

    def __init__(self, message, host=None, port=None, code=None, api_msg=None):
        self.reason = message
        self.host = host
        self.port = port
        self.code = code
        self.api_msg = api_msg
        super().__init__(self._render())

    @property
    def address(self):
        if self.host is None:
            return None
        if self.port is None:
            return str(self.host)
        return '%s:%s' % (self.host, self.port)

    def _render(self):
        if self.address:
            return '%s: %s' % (self.address, self.reason)
        return self.reason


class InvalidParameter(WhatsminerError, ValueError):
    """A parameter failed validation; nothing was sent."""


# --- transport -------------------------------------------------------------

class TransportError(WhatsminerError):
    """The TCP exchange itself failed.

    ``received`` is how many reply bytes had arrived when it failed: zero means the miner
    sent nothing at all, which for some commands is an expected outcome.
    """

    received = 0


class ConnectError(TransportError):
    """No connection was made, so the request had no effect."""

    retryable = True


class ConnectionRefused(ConnectError):
    pass


class HostUnreachable(ConnectError):
    pass


class ConnectTimeout(ConnectError):
    pass


class ReadTimeout(TransportError):
    """Connected and sent, but no complete reply in time.

    What that means depends on the request, which only the protocol object knows: after
    a read nothing happened and asking again is safe (:meth:`after_read`); after a write
    the outcome is unknown and the write must not be repeated (:meth:`after_write`; not
    retryable is also the default, for a path that does not say).
    """

    def after_read(self) -> ReadTimeout:
        self.retryable = True
        return self

    def after_write(self) -> ReadTimeout:
        self.reason = '%s: the outcome is unknown' % self.reason
        self.args = (self._render(),)
        self.outcome_unknown = True
        return self


class ConnectionReset(TransportError):
    """The miner reset the connection before the reply was complete."""


class ReplyTooLarge(TransportError):
    """The reply exceeded the size cap; the rest was not read."""


class NoReply(TransportError):
    """The miner closed the connection without sending anything."""


class PrivilegedNoReply(TransportError):
    """A privileged (encrypted) request got no reply at all.

    Real firmware does this when the password is wrong or API write access is off.
    """


# --- reply content ---------------------------------------------------------

class MalformedReply(WhatsminerError):
    """The miner answered, but what it sent cannot be understood."""


class ApiError(WhatsminerError):
    """The miner answered with STATUS "E" (or a failure code)."""

    @property
    def no_devices(self):
        """cgminer's "No devices": btminer has no boards running, a state rather than a fault."""
        return 'no devices' in str(self.api_msg or '').lower()


class InvalidCommand(ApiError):
    """Code 14: the miner does not know the command or rejected its data."""


class DecryptionFailed(ApiError):
    """Code 23 on an encrypted request: the miner could not decrypt it (wrong password)."""


class PermissionDenied(ApiError):
    """Code 45."""


class ImageRefused(ApiError):
    """The miner took a whole firmware image and answered that it will not flash it (wrong platform, bad image)."""


class CommandFailed(ApiError):
    """Code 132: the command was understood but failed (or is deprecated)."""

    @property
    def deprecated(self):
        """True when the miner says the command is deprecated (``devdetails`` on newer firmware)."""
        return 'deprecat' in str(self.api_msg or '').lower()


class TokenRejected(ApiError):
    """Code 135: the token is expired or not valid for this client."""


class TokenLimitReached(ApiError):
    """Code 136: the miner's token limit (32 per client IP, 16 IPs) is reached."""


class WriteAccessDisabled(ApiError):
    """"can't access write cmd": API write access is not enabled on the miner."""


class OutcomeUnknown(TransportError):
    """The exchange failed after the miner may have acted (e.g. after a firmware image was sent).

    Nothing can be concluded: read the miner's state (firmware version, ...) before deciding.
    """

    outcome_unknown = True

    @classmethod
    def of_write(cls, command, err) -> OutcomeUnknown:
        """A write that went out and got back a reply cut off, reset or unreadable (``err``).

        btminer restarting for the write it just applied cuts its own reply, so a broken
        reply proves nothing either way: it is an unknown outcome, never a refusal.
        """
        unknown = cls('the reply to %s was cut off or unreadable (%s): the outcome is unknown'
                      % (command, err.reason), err.host, err.port)
        unknown.received = getattr(err, 'received', 0)
        return unknown


class LogArchiveTruncated(TransportError):
    """The log archive ended before the length its header announced."""


class UnsupportedCommand(WhatsminerError):
    """The command is not one this library knows how to send safely."""
