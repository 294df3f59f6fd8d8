# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The API v2 backend (TCP 4028): operations over ``WhatsminerClient`` and ``ApiV2``.

Everything v2-specific above the protocol library is here and beside it in this
folder: which reads give a setting (``settings.py``), how subsets become joined reads
(``gather.py``), how replies become the facts schema (``facts.py``), and the command
each operation sends. Parameters are validated by the protocol when a call is
prepared, so a bad value fails before anything is sent, in check mode too.
"""

from __future__ import annotations

from typing import Any, BinaryIO, Mapping, Sequence

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import commands
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.apiv2 import MAX_FIRMWARE_BYTES, ApiV2
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.client import WhatsminerClient
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import ApiError, InvalidParameter, WhatsminerError
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.values import to_count, to_int, to_str
from ansible_collections.minerops.whatsminer.plugins.module_utils._device import operations as ops
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.backend import Backend, Call, Preheat, RawCommand
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.snapshot import Snapshot
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v2 import facts, gather
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v2.settings import ROWS, wire_write

ACTIONS = dict(restart_mining='restart_btminer', reboot='reboot', factory_reset='factory_reset')
PREHEAT_DONE = 'adjust complete'
MAX_POOLS = 3
MAX_RANK = 1 << 31
# settings only API v3 has: refused naming the API, before anything is sent
V3_ONLY = ('heat_mode', 'fast_hash', 'ntp_servers')
SECTION_SUBSETS = dict(
    identity=('summary', 'devdetails', 'version', 'status', 'miner_info', 'psu'),
    mining=('summary', 'status'),
    power=('summary', 'psu'),
    thermal=('summary', 'devs', 'psu'),
    boards=('devs', 'devdetails'),
    pools=('pools',),
    errors=('summary', 'error_code'),
)


def _operations():
    table = dict((name, ops.Operation(name, ops.READ)) for name in SECTION_SUBSETS)
    table['uptime'] = ops.Operation('uptime', ops.READ)
    table['firmware'] = ops.Operation('firmware', ops.READ)
    for name, row in ROWS.items():
        table[name] = ops.Operation(name, ops.SETTING, readable=row.read is not None, effect=row.effect,
                                    may_not_answer=row.may_not_answer)
    table['upfreq_speed'] = table['upfreq_speed']._replace(bounds=(0, 9))   # adjust_upfreq_speed
    table.update(
        pool_config=ops.Operation('pool_config', ops.SETTING),   # url and user; passwords are never readable
        password=ops.Operation('password', ops.SETTING, readable=False),
        restart_mining=ops.Operation('restart_mining', ops.ACTION, effect=ops.RESTARTS_MINING, may_not_answer=True),
        reboot=ops.Operation('reboot', ops.ACTION, effect=ops.REBOOTS, may_not_answer=True),
        factory_reset=ops.Operation('factory_reset', ops.ACTION, effect=ops.REBOOTS, may_not_answer=True),
        pre_power_on=ops.Operation('pre_power_on', ops.ACTION, readable=False),
        upload_firmware=ops.Operation('upload_firmware', ops.TRANSFER, effect=ops.REBOOTS, may_not_answer=True),
        download_logs=ops.Operation('download_logs', ops.TRANSFER),
    )
    for name in V3_ONLY:
        table[name] = ops.Operation(name, ops.SETTING, supported=False)
    return table


def first_record(data):
    """The first record of a cgminer-shape read (``summary``), or {} when the reply has none."""
    if isinstance(data, dict):
        return data
    if isinstance(data, list) and data and isinstance(data[0], dict):
        return data[0]
    return {}


def _rank(record):
    """Priority (0 highest), else the POOL slot number, else reply order (exact ASCII digits only)."""
    for key in ('Priority', 'POOL'):
        value = to_count(record.get(key), MAX_RANK)
        if value is not None:
            return value
    return 0


class V2Backend(Backend):
    """One miner through API v2."""

    api_version = 'v2'
    OPERATIONS = _operations()
    # parameters of write commands that carry secrets (update_pools, update_pwd, ...), and the
    # names a raw command's params may give them under
    SECRET_PARAMS = frozenset(commands.SECRET_PARAMS + ('password', 'passwd', 'token'))

    def __init__(self, client: WhatsminerClient) -> None:
        self.client = client
        self.host = client.host
        self.port = client.port

    def __repr__(self) -> str:
        return 'V2Backend(%s:%s)' % (self.host, self.port)

    # --- handles -------------------------------------------------------------------

    def _client(self, host: str, port: int, password: str) -> WhatsminerClient:
        old = self.client
        return WhatsminerClient(host, port=port, password=password, timeout=old.timeout,
                                connect_timeout=old.connect_timeout, token_cache=old.token_cache,
                                max_reply_bytes=old.protocol.max_reply_bytes)

    def with_password(self, password: str) -> V2Backend:
        return V2Backend(self._client(self.host, self.port, password))

    def at(self, host: str, port: int | None = None) -> V2Backend:
        return V2Backend(self._client(host, self.port if port is None else port, self.client.password))

    @staticmethod
    def speaks(host: str, port: int, timeout: float) -> bool:
        """True when the miner answers API v2 on ``port`` (any v2 reply, even a refusal, counts)."""
        try:
            ApiV2(host, port, timeout, timeout, None).read('get_version', {})
        except ApiError:
            return True
        except WhatsminerError:
            return False
        return True

    # --- reads ---------------------------------------------------------------------

    @staticmethod
    async def probe(host: str, port: int, subsets: Sequence[str], connect_timeout: float,
                    read_timeout: float, basic: bool = False) -> Snapshot:
        """Discovery: the same plan as :meth:`snapshot`, without blocking (under ``mux.run``), and the host must look like a Whatsminer.

        ``basic``: the facts are only the fields of the inventory's ``whatsminer`` variable
        (``facts.build``). Raises ``NotAMiner`` or ``Unidentified`` (see ``_device/backend.py``).
        """
        protocol = ApiV2(host, port, connect_timeout, read_timeout, None)
        walk = gather.steps(gather.commands_for(subsets), identify=facts.is_whatsminer)
        return snapshot_of(await gather.adrive(walk, protocol), host, port, basic)

    def snapshot(self, subsets: Sequence[str]) -> Snapshot:
        result = gather.drive(gather.steps(gather.commands_for(subsets)), self.client.protocol)
        return snapshot_of(result, self.host, self.port)

    def subsets_for(self, section: str) -> list[str]:
        return list(SECTION_SUBSETS[section])

    def read_pools(self) -> list[dict[str, str]]:
        records = self.client.read('pools').data
        records = [record for record in records if isinstance(record, dict)] if isinstance(records, list) else []
        ordered = sorted(enumerate(records), key=lambda item: (_rank(item[1]), item[0]))
        pools = []
        for _index, record in ordered:
            url = to_str(record.get('URL'))
            if url:
                pools.append(dict(url=url, user=to_str(record.get('User')) or ''))
        return pools

    def _records(self, sources: set[str]) -> dict[str, dict]:
        """The reads behind some settings. ``status`` and ``get_miner_info`` must answer;
        ``summary`` is only a second source, so a miner refusing it leaves it empty."""
        records = dict(status={}, summary={}, miner_info={})
        status = self.client.read('status').data
        records['status'] = status if isinstance(status, dict) else {}
        if 'summary' in sources:
            try:
                records['summary'] = first_record(self.client.read('summary').data)
            except ApiError:
                pass
        if 'miner_info' in sources:
            info = self.client.read('get_miner_info').data
            records['miner_info'] = info if isinstance(info, dict) else {}
        return records

    def read_settings(self, names: Sequence[str]) -> dict[str, Any]:
        rows = dict((name, ROWS[name]) for name in names if ROWS[name].read is not None)
        records = self._records(set(source for row in rows.values() for source in row.sources))
        return dict((name, row.read(records)) for name, row in rows.items())

    def read_firmware(self) -> dict[str, str | None]:
        msg = self.client.read('get_version').data
        msg = msg if isinstance(msg, dict) else {}
        return dict(version=facts.firmware_text(msg.get('fw_ver')), platform=to_str(msg.get('platform')))

    def uptime(self) -> int | None:
        return to_int(first_record(self.client.read('summary').data).get('Uptime'))

    def check_password(self) -> bool:
        return self.client.check_password()

    # --- calls ---------------------------------------------------------------------

    def _write(self, command: str, params: Mapping[str, Any], shown: Mapping[str, Any] | None = None) -> Call:
        self.client.protocol.prepare(command, params)
        return Call(command, lambda: self.client.write(command, **params), shown if shown is not None else params)

    def setting_call(self, name: str, value: Any, **options: Any) -> Call:
        try:
            command, params = wire_write(name, value, **options)
        except InvalidParameter as err:
            raise InvalidParameter(err.reason, self.host, self.port) from None
        return self._write(command, params)

    def pools_call(self, pools: Sequence[Mapping[str, str]]) -> Call:
        """All nine keys, empty strings for unused slots (some firmware rejects fewer)."""
        wire = {}
        for slot in range(1, MAX_POOLS + 1):
            pool = pools[slot - 1] if slot <= len(pools) else dict(url='', user='', password='')
            wire['pool%d' % slot] = pool['url']
            wire['worker%d' % slot] = pool['user']
            wire['passwd%d' % slot] = pool.get('password') or ''
        shown = dict((key, value) for key, value in wire.items() if not key.startswith('passwd'))
        return self._write('update_pools', wire, shown)

    def action_call(self, name: str) -> Call:
        return self._write(ACTIONS[name], {})

    def preheat_call(self, first: bool) -> Call:
        params = dict(complete=False, msg='wait for adjust temp' if first else 'adjust continue')
        self.client.protocol.prepare('pre_power_on', params)

        def send():
            reply = self.client.write('pre_power_on', **params)
            return None if reply is None else preheat_state(reply.msg)
        return Call('pre_power_on', send, params)

    def firmware_call(self, stream: BinaryIO, size: int) -> Call:
        if isinstance(size, bool) or not isinstance(size, int) or not 0 < size <= MAX_FIRMWARE_BYTES:
            raise InvalidParameter('the firmware image must be 1 byte to 4 GiB, got %r bytes' % (size,),
                                   self.host, self.port)
        return Call('update_firmware', lambda: self.client.update_firmware(stream, size), dict(size=size))

    def logs_call(self, dest: BinaryIO, max_bytes: int, timeout: float) -> Call:
        return Call('download_logs', lambda: self.client.download_logs(dest, max_bytes, timeout), {})

    def password_call(self, new: str) -> Call:
        params = dict(old=self.client.password, new=new)
        self.client.protocol.prepare('update_pwd', params)

        def send():
            reply = self.client.write('update_pwd', **params)
            self.client.protocol.forget_tokens()
            return reply
        return Call('update_pwd', send, {})

    def describe_raw(self, command: str) -> RawCommand:
        names = [name.strip() for name in command.split('+')]
        specs = [commands.COMMANDS.get(name) for name in names]
        return RawCommand(names, write=any(spec is None or spec.privileged for spec in specs),
                          binary=any(spec is not None and spec.reply == 'binary' for spec in specs))

    def raw_call(self, command: str, params: Mapping[str, Any], encrypted: bool) -> Call:
        write = self.describe_raw(command).write
        wanted = True if (write or encrypted) else None

        def send():
            return raw_result(self.client.call(command, params=dict(params), encrypted=wanted))
        return Call(command, send, dict((key, value) for key, value in params.items() if key not in self.SECRET_PARAMS))


def preheat_state(msg: Any) -> Preheat:
    """pre_power_on answers ``{"complete": ..., "msg": ...}`` (or a bare text on some firmware)."""
    if isinstance(msg, dict):
        text = to_str(msg.get('msg')) or ''
        done = (to_str(msg.get('complete')) or '').lower() == 'true' or text.lower() == PREHEAT_DONE
        return Preheat(done, text or str(msg))
    text = to_str(msg) or ''
    return Preheat(text.lower() == PREHEAT_DONE, text)


def _reply_result(reply):
    if reply is None:
        return dict(reply=None, data=None)
    return dict(reply=reply.raw, data=reply.data, status=reply.status, code=reply.code, api_msg=reply.msg,
                encrypted=reply.encrypted)


def raw_result(reply: Any) -> dict[str, Any]:
    """A reply (or the parts of a joined read) as ``whatsminer_command`` returns it."""
    if isinstance(reply, dict):
        parts = dict((name, _reply_result(part)) for name, part in reply.items())
        return dict(reply=dict((name, part['reply']) for name, part in parts.items()),
                    data=dict((name, part['data']) for name, part in parts.items()),
                    encrypted=any(part.get('encrypted') for part in parts.values()))
    return _reply_result(reply)


def snapshot_of(result: gather.Gathered, host: str, port: int, basic: bool = False) -> Snapshot:
    """A gathering in the schema's terms: subsets, not commands."""
    built = facts.build(result.replies, host=host, port=port, basic=basic)
    failures = dict((gather.COMMAND_SUBSETS.get(name, name), err) for name, err in result.failures.items())
    warnings = dict(zip(failures, result.warnings()))
    raw = dict((command, reply.raw) for command, reply in sorted(result.replies.items()))
    return Snapshot(built, failures, gather.subsets_of(result.unsupported), raw, warnings, bool(result.replies))
