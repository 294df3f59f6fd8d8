# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``Miner``: the one object module logic talks to, in operator terms.

Logic asks for pools, settings, a reboot or a firmware upload; the backend behind it
(API v2 today) knows the commands. This facade adds what must hold whichever API is
behind it: in check mode nothing that changes the miner is sent (writes, binary flows,
password changes and raw writes all pass the same guard), every such request is
recorded by its API name for the result's ``commands``, and new handles (another
password, another address) keep the same mode and record.
"""

from __future__ import annotations

from typing import Any, BinaryIO, Mapping, Sequence

from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import UnsupportedCommand
from ansible_collections.minerops.whatsminer.plugins.module_utils._device import detect
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.backend import Backend, Call, Preheat, RawCommand
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.operations import Operation
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.snapshot import Snapshot


class Miner:
    """One miner. ``check_mode``: record what would be sent, send nothing that changes it."""

    def __init__(self, backend: Backend, check_mode: bool = False, commands: list[str] | None = None,
                 applied: list[str] | None = None) -> None:
        self.backend = backend
        self.check_mode = check_mode
        #: API names of the requests sent (in check mode: that would have been sent), in order
        self.commands = [] if commands is None else commands
        #: the writes the miner took (acknowledged, or seen to take effect): a task failing later still changed
        #: the miner
        self.applied = [] if applied is None else applied

    def __repr__(self) -> str:
        return 'Miner(%s, %s%s)' % (self.address, self.api_version, ', check mode' if self.check_mode else '')

    @property
    def host(self) -> str:
        return self.backend.host

    @property
    def port(self) -> int:
        return self.backend.port

    @property
    def address(self) -> str:
        return '%s:%s' % (self.backend.host, self.backend.port)

    @property
    def api_version(self) -> str:
        return self.backend.api_version

    def operation(self, name: str) -> Operation:
        """What the API behind this miner can do for ``name``: readable, effect, may not answer."""
        return self.backend.OPERATIONS[name]

    def require(self, name: str) -> Operation:
        """The operation, or a clear refusal naming the API when it has none."""
        operation = self.operation(name)
        if not operation.supported:
            raise UnsupportedCommand('%s is not available through API %s' % (name.replace('_', ' '), self.api_version),
                                     self.host, self.port)
        return operation

    # --- handles -------------------------------------------------------------------

    def with_password(self, password: str) -> Miner:
        """The same miner with another password: same check mode, same command record."""
        return Miner(self.backend.with_password(password), self.check_mode, self.commands, self.applied)

    def at(self, host: str, port: int | None = None) -> Miner:
        """The miner at a new address (after re-addressing): same check mode, same command record."""
        return Miner(self.backend.at(host, port), self.check_mode, self.commands, self.applied)

    # --- reads (never guarded: they change nothing) ----------------------------------

    def snapshot(self, subsets: Sequence[str]) -> Snapshot:
        return self.backend.snapshot(subsets)

    def read(self, section: str) -> Any:
        """One section of the facts schema (``identity``, ``mining``, ``thermal``, ...).

        Raises the first failure when nothing needed for it answered.
        """
        snapshot = self.backend.snapshot(self.backend.subsets_for(section))
        if not snapshot.answered and snapshot.failures:
            raise snapshot.first_failure()
        return snapshot.facts[section]

    def pools(self) -> list[dict[str, str]] | None:
        """The pools in priority order; None when the miner does not show them (see ``Backend.read_pools``)."""
        return self.backend.read_pools()

    def settings(self, names: Sequence[str]) -> dict[str, Any]:
        """Current values of readable settings (None: this firmware does not report it)."""
        return self.backend.read_settings(names)

    def uptime(self) -> int | None:
        return self.backend.uptime()

    def firmware(self) -> dict[str, str | None]:
        """``{version, platform}``."""
        return self.backend.read_firmware()

    @property
    def password_check_writes(self) -> bool:
        """Proving a password sends a write that changes nothing (API v3): never done in check mode."""
        return self.backend.PASSWORD_CHECK_WRITES

    @property
    def network_sets_hostname(self) -> bool:
        """Whether the network write takes the host name along (API v2) or leaves it alone (API v3)."""
        return self.backend.NETWORK_SETS_HOSTNAME

    @property
    def password_refusal(self) -> str:
        """Why a password check said no, in the words of the API behind this miner."""
        return self.backend.password_refusal()

    def check_password(self) -> bool | None:
        """True/False as the backend says; None in check mode when the check would be a write.

        A check that is a write (API v3: the password "changed" to itself) is listed in
        ``commands`` like every write, though it changes nothing.
        """
        if self.backend.PASSWORD_CHECK_WRITES:
            if self.check_mode:
                return None
            self.commands.append(self.backend.PASSWORD_CHECK_COMMAND or 'password check')
        return self.backend.check_password()

    def describe_raw(self, command: str) -> RawCommand:
        return self.backend.describe_raw(command)

    # --- the guard -------------------------------------------------------------------

    def perform(self, call: Call, once: bool = False, changes: bool = True) -> Any:
        """Record ``call`` and send it unless in check mode (then None).

        ``once``: list the command only the first time (polling, e.g. pre-power-on).
        ``changes``: False for a transfer that leaves the miner as it was (the log download).
        A write that got no reply (None) is not counted as applied until a read shows it
        took (:meth:`confirmed`): silence from a write is also how it fails.
        """
        if not (once and call.command in self.commands):
            self.commands.append(call.command)
        if self.check_mode:
            return None
        reply = call.send()
        if changes and reply is not None:
            self.confirmed(call.command)
        return reply

    def confirmed(self, command: str) -> None:
        """Count ``command`` as applied (once): it was acknowledged, or a read showed its effect."""
        if command not in self.applied:
            self.applied.append(command)

    @property
    def last_command(self) -> str | None:
        return self.commands[-1] if self.commands else None

    # --- writes and actions ----------------------------------------------------------

    def command_for(self, name: str, value: Any, **options: Any) -> str:
        """The API command a setting write would use (for plans and messages); sends nothing."""
        return self.backend.setting_call(name, value, **options).command

    def set(self, name: str, value: Any, **options: Any) -> Any:
        """Write one setting; the acknowledgement, or None (check mode, or no reply to a silent write)."""
        self.require(name)
        return self.perform(self.backend.setting_call(name, value, **options))

    def set_pools(self, pools: Sequence[Mapping[str, str]]) -> Any:
        self.require('pool_config')
        return self.perform(self.backend.pools_call(pools))

    def preheat(self, first: bool) -> Preheat | None:
        """Start or poll pre-power-on; None in check mode or when the miner did not answer."""
        self.require('pre_power_on')
        return self.perform(self.backend.preheat_call(first), once=not first)

    def act(self, name: str) -> Any:
        """``restart_mining``, ``reboot`` or ``factory_reset``; confirm by reading afterwards."""
        self.require(name)
        return self.perform(self.backend.action_call(name))

    def upload_firmware(self, stream: BinaryIO, size: int) -> Any:
        """Send an image; the API the miner speaks may change with it, so what was detected is forgotten."""
        self.require('upload_firmware')
        try:
            return self.perform(self.backend.firmware_call(stream, size))
        finally:
            if not self.check_mode:
                detect.forget(self.host)

    def download_logs(self, dest: BinaryIO, max_bytes: int, timeout: float) -> int | None:
        self.require('download_logs')
        return self.perform(self.backend.logs_call(dest, max_bytes, timeout), changes=False)

    def validate_password(self, new: str) -> None:
        """Check ``new`` against the API's password rules; sends and records nothing."""
        self.require('password')
        self.backend.password_call(new)

    def change_password(self, new: str) -> Miner:
        """Change the password; returns the handle that uses ``new`` (this one keeps the old)."""
        self.require('password')
        self.perform(self.backend.password_call(new))
        return self.with_password(new)

    def raw(self, command: str, params: Mapping[str, Any], encrypted: bool) -> dict[str, Any] | None:
        """``whatsminer_command``: reads always run; writes pass the guard (None in check mode)."""
        call = self.backend.raw_call(command, params, encrypted)
        if self.describe_raw(command).write:
            return self.perform(call)
        return call.send()
