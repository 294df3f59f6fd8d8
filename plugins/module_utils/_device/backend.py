# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The contract every API backend implements: operations in, wire traffic out.

A backend is the only code above the protocol library that knows an API's commands and
field names. It turns operations into reads and :class:`Call` objects and replies into
the schema's terms (TH/s, W, degrees C, seconds). The :class:`~._device.miner.Miner`
facade decides whether a call is sent (check mode) and records it; the backend never
checks check mode itself, so no write can slip past the guard.
"""

from __future__ import annotations

import abc
from typing import Any, BinaryIO, Callable, Mapping, Sequence

from ansible_collections.minerops.whatsminer.plugins.module_utils._device.operations import Operation
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.snapshot import Snapshot


class Call:
    """One request that changes something, prepared but not sent.

    ``command`` is the API's own name for it (what results list under ``commands``);
    ``send()`` does it and returns the acknowledgement, or None when the miner sent no
    reply to a request that may legitimately stay silent. ``describe`` is what check
    mode says would be sent (never a secret).
    """

    __slots__ = ('command', 'send', 'describe')

    def __init__(self, command: str, send: Callable[[], Any], describe: Mapping[str, Any] | None = None) -> None:
        self.command = command
        self.send = send
        self.describe = dict(describe or {})

    def __repr__(self) -> str:
        return 'Call(%s)' % self.command


class Preheat:
    """Where pre-power-on stands: ``done`` once the miner says the temperature is adjusted."""

    __slots__ = ('done', 'message')

    def __init__(self, done: bool, message: str) -> None:
        self.done = done
        self.message = message

    def __repr__(self) -> str:
        return self.message


class NotAMiner(Exception):
    """A scanned host answered, but not as a Whatsminer does."""


class Unidentified(Exception):
    """A scanned host's first read failed, so nothing shows it is a Whatsminer; ``err`` says why."""

    def __init__(self, err: Exception) -> None:
        super().__init__(str(err))
        self.err = err


class RawCommand:
    """What a backend knows of a command given by name (``whatsminer_command``)."""

    __slots__ = ('names', 'write', 'binary')

    def __init__(self, names: Sequence[str], write: bool, binary: bool) -> None:
        self.names = list(names)
        self.write = write       # unknown commands count as writes: the safe side
        self.binary = binary     # a binary flow: only its own operation may run it


class Backend(abc.ABC):
    """One miner through one API version."""

    #: 'v2' or 'v3'
    api_version: str = ''
    #: operation name -> Operation, one per entry of ``operations.CATALOGUE``
    OPERATIONS: Mapping[str, Operation] = {}
    #: parameter names of raw commands that carry secrets (masked in results)
    SECRET_PARAMS: frozenset = frozenset()
    #: True when proving a password takes a write that changes nothing (API v3 has no signed read):
    #: the Miner facade then never does it in check mode
    PASSWORD_CHECK_WRITES: bool = False
    #: the write that proves a password where that takes a write (listed in the task's commands)
    PASSWORD_CHECK_COMMAND: str | None = None
    #: False where the network write carries no host name (API v3: the host name is a setting of its own)
    NETWORK_SETS_HOSTNAME: bool = True

    def password_refusal(self) -> str:
        """What a failed :meth:`check_password` tells an operator, in this API's words."""
        return 'the password is wrong (the miner could not decrypt an encrypted status read)'

    host: str
    port: int

    # --- handles -------------------------------------------------------------------

    @abc.abstractmethod
    def with_password(self, password: str) -> Backend:
        """The same miner with another password (rotation, factory reset)."""

    @abc.abstractmethod
    def at(self, host: str, port: int | None = None) -> Backend:
        """Another address, same credentials and deadlines (re-addressing)."""

    # --- reads ---------------------------------------------------------------------

    @abc.abstractmethod
    def snapshot(self, subsets: Sequence[str]) -> Snapshot:
        """Gather the facts subsets in as few round trips as the API allows; never raises for a read."""

    @abc.abstractmethod
    def subsets_for(self, section: str) -> list[str]:
        """The facts subsets that fill one section of the schema (``identity``, ``thermal``, ...)."""

    @abc.abstractmethod
    def read_pools(self) -> list[dict[str, str]] | None:
        """Configured pools as ``[{url, user}]`` in priority order (passwords are never readable).

        None when the miner does not show them now (an idle API v3 miner): not "no pools".
        """

    @abc.abstractmethod
    def read_settings(self, names: Sequence[str]) -> dict[str, Any]:
        """Current values of readable settings; None for one this firmware does not report."""

    @abc.abstractmethod
    def read_firmware(self) -> dict[str, str | None]:
        """``{version, platform}``: what the miner runs and which image slice fits it."""

    @abc.abstractmethod
    def uptime(self) -> int | None:
        """Seconds since boot, None when not reported."""

    @abc.abstractmethod
    def check_password(self) -> bool:
        """True when the password works; False when the miner says it does not; raises otherwise
        (``WriteAccessDisabled`` when the API cannot tell because write access is off)."""

    # --- calls ---------------------------------------------------------------------

    @abc.abstractmethod
    def setting_call(self, name: str, value: Any, **options: Any) -> Call:
        """The write of one setting (``state``, ``mode``, ``target_freq``, ``web_pools``, ...)."""

    @abc.abstractmethod
    def pools_call(self, pools: Sequence[Mapping[str, str]]) -> Call:
        """Write up to three pools ``{url, user, password}`` in priority order."""

    @abc.abstractmethod
    def action_call(self, name: str) -> Call:
        """``restart_mining``, ``reboot`` or ``factory_reset``."""

    @abc.abstractmethod
    def preheat_call(self, first: bool) -> Call:
        """Start (``first``) or poll pre-power-on; ``send()`` returns a :class:`Preheat` or None."""

    @abc.abstractmethod
    def firmware_call(self, stream: BinaryIO, size: int) -> Call:
        """Upload an image (already sliced for this miner's platform)."""

    @abc.abstractmethod
    def logs_call(self, dest: BinaryIO, max_bytes: int, timeout: float) -> Call:
        """Download the log archive into ``dest``; ``send()`` returns the byte count."""

    @abc.abstractmethod
    def password_call(self, new: str) -> Call:
        """Change the admin password to ``new`` (validated against the API's rules when prepared)."""

    @abc.abstractmethod
    def describe_raw(self, command: str) -> RawCommand:
        """What ``command`` is (single or joined read, write, binary flow) to this API."""

    @abc.abstractmethod
    def raw_call(self, command: str, params: Mapping[str, Any], encrypted: bool) -> Call:
        """Send ``command`` as given; ``send()`` returns a result dict (reply, data, status, ...)."""
