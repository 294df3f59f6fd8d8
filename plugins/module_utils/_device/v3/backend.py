# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The API v3 backend (TCP 4433): operations over ``ApiV3``.

Everything v3-specific above the protocol library is here and beside it: which read
shows a setting and which write sets it (``settings.py``), the reads behind fact
subsets (``gather.py``) and replies -> schema (``facts.py``). v3 has no pre-power-on
(the operation is unsupported and fails naming the API); it adds heat mode, fast hash
and NTP servers, which v2 lacks. Parameters are validated by the protocol when a call
is prepared, so a bad value fails before anything is sent, in check mode too.
"""

from __future__ import annotations

import re

from typing import Any, BinaryIO, Mapping, Sequence

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import v3commands
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.apiv3 import ApiV3
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import (
    ApiError,
    ConnectionReset,
    ConnectTimeout,
    HostUnreachable,
    InvalidParameter,
    MalformedReply,
    NoReply,
    ReadTimeout,
    UnsupportedCommand,
    WhatsminerError,
    WriteAccessDisabled,
)
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.values import to_int, to_str
from ansible_collections.minerops.whatsminer.plugins.module_utils._device import operations as ops
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.backend import Backend, Call, RawCommand
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.snapshot import Snapshot
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v3 import facts, gather
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v3.settings import ROWS, SOURCES, wire_write

DEFAULT_PORT = 4433
DEFAULT_ACCOUNT = 'super'
ACTIONS = {
    'restart_mining': ('set.miner.service', 'restart'),
    'reboot': ('set.system.reboot', None),
    'factory_reset': ('set.system.factory_reset', None),
}
FIRMWARE_COMMAND = 'set.system.update_firmware'
LOGS_COMMAND = 'get.log.download'
BINARY = (FIRMWARE_COMMAND, LOGS_COMMAND)
MAX_POOLS = 3
SECTION_SUBSETS = dict(
    identity=('devdetails', 'version', 'miner_info', 'psu', 'status', 'summary'),
    mining=('summary', 'status'),
    power=('summary', 'psu'),
    thermal=('summary', 'devs', 'psu'),
    boards=('devs', 'devdetails'),
    pools=('pools',),
    errors=('error_code',),
)
SETTING_READS = dict(miner='get.miner.setting', system='get.system.setting', fan='get.fan.setting',
                     device='get.device.info')


def _operations():
    table = dict((name, ops.Operation(name, ops.READ)) for name in SECTION_SUBSETS)
    table['uptime'] = ops.Operation('uptime', ops.READ)
    table['firmware'] = ops.Operation('firmware', ops.READ)
    for name, row in ROWS.items():
        table[name] = ops.Operation(name, ops.SETTING, readable=row.read is not None, effect=row.effect,
                                    may_not_answer=row.may_not_answer)
    table['upfreq_speed'] = table['upfreq_speed']._replace(bounds=(0, 10))   # set.miner.upfreq_speed
    table.update(
        pool_config=ops.Operation('pool_config', ops.SETTING),
        password=ops.Operation('password', ops.SETTING, readable=False),
        restart_mining=ops.Operation('restart_mining', ops.ACTION, effect=ops.RESTARTS_MINING, may_not_answer=True),
        reboot=ops.Operation('reboot', ops.ACTION, effect=ops.REBOOTS, may_not_answer=True),
        factory_reset=ops.Operation('factory_reset', ops.ACTION, effect=ops.REBOOTS, may_not_answer=True),
        pre_power_on=ops.Operation('pre_power_on', ops.ACTION, readable=False, supported=False),
        upload_firmware=ops.Operation('upload_firmware', ops.TRANSFER, effect=ops.REBOOTS, may_not_answer=True),
        download_logs=ops.Operation('download_logs', ops.TRANSFER),
    )
    return table


def _rank(index, record):
    priority = to_int(record.get('pool-priority'))
    if priority is not None:
        return priority, index
    number = to_int(record.get('id'))
    return (number if number is not None else index), index


def _held(err: ReadTimeout, host: str, port: int, timeout: float) -> ReadTimeout:
    """The detection's ReadTimeout in an operator's words: what the port did, what it may be, the way out.

    The port took the connection, which on a miner means API v3, so the v2 port is not
    tried (its reduced v2 would pass a v3 miner off as a v2 one); the task fails here rather
    than wait as long again for its own request.
    """
    held = ReadTimeout('the API v3 port took the connection but sent no complete answer within %.1f s (got %d bytes): '
                       'a v3 miner too busy to answer, or restarting (the v2 port is not tried: set api_version: v2 '
                       'for a miner that only speaks v2)' % (timeout, err.received),
                       host, port)
    held.received = err.received
    return held.after_read()


#: a v3 command name: dotted words (``get.miner.status``, ``set.system.led``)
V3_NAME = re.compile(r'\A[a-z][a-z0-9_]*(\.[a-z0-9_]+)+\Z')


class V3Backend(Backend):
    """One miner through API v3."""

    api_version = 'v3'
    OPERATIONS = _operations()
    SECRET_PARAMS = frozenset(tuple(v3commands.SECRET_PARAMS) + ('password', 'passwd', 'token', 'old', 'new'))
    PASSWORD_CHECK_WRITES = True
    PASSWORD_CHECK_COMMAND = 'set.user.change_passwd'
    NETWORK_SETS_HOSTNAME = False

    def __init__(self, api: ApiV3) -> None:
        self.api = api
        self.host = api.host
        self.port = api.port

    def __repr__(self) -> str:
        return 'V3Backend(%s:%s)' % (self.host, self.port)

    # --- handles -------------------------------------------------------------------

    def with_password(self, password: str) -> V3Backend:
        return V3Backend(self.api.with_password(password))

    def at(self, host: str, port: int | None = None) -> V3Backend:
        return V3Backend(self.api.at(host, port))

    def password_refusal(self) -> str:
        """A -4 to the password check: v3 folds a wrong password, write access off and a missing permission into it."""
        text = ('a signed password check was refused with "no permission": the password is wrong, or API write access '
                'is off')
        if self.api.account != 'super':
            text += (', or account %s may not change its password (then the check proves nothing: grant it '
                     'set.user.change_passwd or use super)' % self.api.account)
        return text

    @classmethod
    def connect(cls, host: str, port: int, account: str, password: str, timeout: float) -> V3Backend:
        return cls(ApiV3(host, port, timeout, timeout, account=account, password=password))

    @staticmethod
    def speaks(host: str, port: int, timeout: float) -> bool | None:
        """True when the miner answers API v3 on ``port`` (any v3 reply, even a refusal, counts).

        A port that refuses, or answers in another protocol, is False. A port that took
        the connection and then closed it or broke off is None: unsure (a v3 miner drops
        its 11th client, btminer restarts). A connection that cannot even be made in time
        raises: the miner is down (or a firewall drops the port), and waiting again on the
        v2 port would only double the wait. A port that holds the connection for the whole
        wait without a complete answer (silent, or trickling) raises too: asked again, or
        sent the task's own request, it would cost the same wait once more.
        """
        try:
            ApiV3(host, port, timeout, timeout).read(gather.DEVICE_INFO, 'system')
        except ApiError:
            return True
        except HostUnreachable:
            raise   # its own cause (a name that does not resolve, no route) says more than any hint here
        except ConnectTimeout:
            raise ConnectTimeout('no connection to the API v3 port within %.1f s: the miner is down, or a firewall drops '
                                 'port %s (set api_version: v2 for a miner that only speaks v2)' % (timeout, port),
                                 host, port) from None
        except ReadTimeout as err:
            raise _held(err, host, port, timeout) from None
        except (NoReply, ConnectionReset):
            return None
        except WhatsminerError:
            return False
        return True

    # --- reads ---------------------------------------------------------------------

    @staticmethod
    async def probe(host: str, port: int, subsets: Sequence[str], connect_timeout: float,
                    read_timeout: float, basic: bool = False) -> Snapshot:
        """Discovery, without blocking (under ``mux.run``): ``get.device.info`` first, and it must look like a Whatsminer's.

        ``basic`` is taken for the same call as the v2 probe; the v3 facts are always the
        whole schema (a v3 miner's three replies are built once, and v3 fleets are the smaller).
        """
        api = ApiV3(host, port, connect_timeout, read_timeout)
        walk = gather.steps(subsets, identify=facts.is_whatsminer, host=host, port=port)
        return snapshot_of(await gather.adrive(walk, api), host, port)

    def snapshot(self, subsets: Sequence[str]) -> Snapshot:
        return snapshot_of(gather.drive(gather.steps(subsets, host=self.host, port=self.port), self.api), self.host,
                           self.port)

    def subsets_for(self, section: str) -> list[str]:
        return list(SECTION_SUBSETS[section])

    def read_pools(self) -> list[dict[str, str]] | None:
        """The pools, asked with the summary; None when an idle miner does not show them.

        An idle (stopped, curtailed) miner can refuse ``pools`` alone with -1 and leave
        them out of ``summary+pools`` (MDKW, notes 4.2): it has pools, it only does not
        show them, so neither a failure nor "no pools" would be true. None is what
        ``read_settings`` gives for a value the miner does not report, and logic treats
        it the same way (sent without comparing, never confirmed). Pools missing beside
        a summary of a mining miner are a reply that lost them: ``MalformedReply``, which
        a read-back treats as "not yet".
        """
        msg = self.api.read(gather.MINER_STATUS, gather.POOLS_READ).data
        msg = msg if isinstance(msg, dict) else {}
        if 'pools' not in msg:
            if facts.is_idle(msg.get('summary')):
                return None
            raise MalformedReply('get.miner.status answered without pools, and its summary does not show an idle '
                                 'miner', self.host, self.port)
        records = msg.get('pools')
        records = [record for record in records if isinstance(record, dict)] if isinstance(records, list) else []
        pools = []
        for _key, index in sorted((_rank(index, record), index) for index, record in enumerate(records)):
            url = to_str(records[index].get('url'))
            if url:
                pools.append(dict(url=url, user=to_str(records[index].get('account')) or ''))
        return pools

    def _records(self, sources: set[str]) -> dict[str, dict]:
        records = dict((name, {}) for name in SOURCES)
        for name in SOURCES:
            if name in sources:
                msg = self.api.read(SETTING_READS[name]).data
                records[name] = msg if isinstance(msg, dict) else {}
        return records

    def read_settings(self, names: Sequence[str]) -> dict[str, Any]:
        rows = dict((name, ROWS[name]) for name in names if ROWS[name].read is not None)
        records = self._records(set(source for row in rows.values() for source in row.sources))
        return dict((name, row.read(records)) for name, row in rows.items())

    def read_firmware(self) -> dict[str, str | None]:
        msg = self.api.read(gather.DEVICE_INFO, 'system').data
        system = msg.get('system') if isinstance(msg, dict) else None
        system = system if isinstance(system, dict) else {}
        return dict(version=to_str(system.get('fwversion')), platform=to_str(system.get('platform')))

    def uptime(self) -> int | None:
        """Seconds since boot: ``bootup-time`` is that on most firmware; a Unix time is taken against ``when``."""
        reply = self.api.read(gather.MINER_STATUS, 'summary')
        msg = reply.data if isinstance(reply.data, dict) else {}
        summary = msg.get('summary') if isinstance(msg.get('summary'), dict) else {}
        return facts.uptime_seconds(summary.get('bootup-time'), reply.when)

    def check_password(self) -> bool:
        """v3 signs only writes: a password "change" to itself proves it (sent only outside check mode).

        The miner answers -4 alike to a wrong password and to write access switched off,
        so a refusal with the API switch off says nothing: ``WriteAccessDisabled``.
        """
        if self.api.prove_password():
            return True
        msg = self.api.read(gather.DEVICE_INFO, 'system').data
        system = msg.get('system') if isinstance(msg, dict) else None
        if isinstance(system, dict) and to_str(system.get('apiswitch')) == '0':
            raise WriteAccessDisabled('API write access is off, so the miner refuses every signed request and the '
                                      'password cannot be tested (enable write access in WhatsMinerTool)',
                                      self.host, self.port)
        return False

    # --- calls ---------------------------------------------------------------------

    def _write(self, command: str, param: Any, shown: Mapping[str, Any] | None = None) -> Call:
        self.api.prepare(command, param)
        return Call(command, lambda: self.api.write(command, param), shown if shown is not None else dict(param=param))

    def setting_call(self, name: str, value: Any, **options: Any) -> Call:
        try:
            command, param = wire_write(name, value, **options)
        except InvalidParameter as err:
            raise InvalidParameter(err.reason, self.host, self.port) from None
        return self._write(command, param)

    def pools_call(self, pools: Sequence[Mapping[str, str]]) -> Call:
        if len(pools) > MAX_POOLS:
            raise InvalidParameter('at most %d pools, got %d' % (MAX_POOLS, len(pools)), self.host, self.port)
        wire = [dict(pool=pool['url'], worker=pool['user'], passwd=pool.get('password') or '') for pool in pools]
        shown = dict(pools=[dict(pool=item['pool'], worker=item['worker']) for item in wire])
        return self._write('set.miner.pools', wire, shown)

    def action_call(self, name: str) -> Call:
        command, param = ACTIONS[name]
        return self._write(command, param)

    def preheat_call(self, first: bool) -> Call:
        raise UnsupportedCommand('pre power on is not available through API v3', self.host, self.port)

    def firmware_call(self, stream: BinaryIO, size: int) -> Call:
        if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
            raise InvalidParameter('the firmware image must not be empty, got %r bytes' % (size,), self.host, self.port)
        return Call(FIRMWARE_COMMAND, lambda: self.api.update_firmware(stream, size), dict(size=size))

    def logs_call(self, dest: BinaryIO, max_bytes: int, timeout: float) -> Call:
        return Call(LOGS_COMMAND, lambda: self.api.download_logs(dest, max_bytes, timeout), {})

    def password_call(self, new: str) -> Call:
        param = dict(account=self.api.account, old=self.api.password, new=new)
        self.api.prepare('set.user.change_passwd', param)
        return Call('set.user.change_passwd', lambda: self.api.write('set.user.change_passwd', param), {})

    def describe_raw(self, command: str) -> RawCommand:
        """A dotted v3 name; a v2 name or a ``+``-joined read is refused before anything is sent.

        Sent as given, a v2 name is no v3 command: as an unknown command it would count as a
        write, be signed and sent, and come back refused, so a playbook written for v2
        (``summary``, ``status``) would only ever say "invalid command" on a v3 miner.
        """
        name = command.strip()
        if '+' in name:
            raise InvalidParameter('API v3 joins reads in the parameter, not in the command name: send '
                                   'get.miner.status with params {param: summary+pools}, not %r' % name,
                                   self.host, self.port)
        if not V3_NAME.match(name):
            raise InvalidParameter('%r is not an API v3 command; this miner speaks API v3, whose commands are dotted '
                                   '(get.miner.status with params {param: summary}, set.system.led, ...); set '
                                   'api_version: v2 to send a v2 read to its reduced API v2' % name,
                                   self.host, self.port)
        return RawCommand([name], write=not name.startswith('get.'), binary=name in BINARY)

    def raw_call(self, command: str, params: Mapping[str, Any], encrypted: bool) -> Call:
        """``params`` is ``{param: <value>}`` (v3's one parameter, of any JSON type) or the param object itself.

        ``encrypted`` is refused: v3 has no encrypted reads (it encrypts the parameters of two
        writes by itself), so honouring it silently would test nothing the user asked to test.
        """
        if encrypted:
            raise InvalidParameter('encrypted applies to API v2 only: API v3 has no encrypted reads, and it encrypts '
                                   'what it must (pools, passwords) by itself', self.host, self.port)
        params = dict(params or {})
        param = params['param'] if list(params) == ['param'] else (params or None)

        def send():
            return raw_result(self.api.call(command, param))
        shown = param
        if isinstance(param, dict):
            shown = dict((key, value) for key, value in param.items() if key not in self.SECRET_PARAMS)
        elif command in v3commands.ENCRYPTED:
            shown = '<encrypted>'
        return Call(command, send, dict(param=shown))


def raw_result(reply: Any) -> dict[str, Any]:
    """A reply as ``whatsminer_command`` returns it (v3 has no encrypted replies)."""
    if reply is None:
        return dict(reply=None, data=None)
    return dict(reply=reply.raw, data=reply.data, status=reply.status, code=reply.code, api_msg=reply.msg,
                encrypted=False)


def snapshot_of(result: gather.Gathered, host: str, port: int) -> Snapshot:
    built = facts.build(result.device, result.status, result.setting, host=host, port=port, collected=result.collected,
                        when=result.when)
    warnings = dict((subset, 'could not gather %s: %s' % (subset, err)) for subset, err in result.failures.items())
    return Snapshot(built, dict(result.failures), [], dict(result.raw), warnings, result.answered)
