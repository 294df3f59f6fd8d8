# Copyright (c) 2026, minerops.whatsminer contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""V3Backend.speaks on a v3 port that holds the connection: a clear, retryable ReadTimeout, not "unsure"."""

from __future__ import annotations

import pytest

from ansible_collections.minerops.whatsminer.plugins.module_utils._api import transport, v3frames
from ansible_collections.minerops.whatsminer.plugins.module_utils._api.errors import ConnectionReset, NoReply, ReadTimeout
from ansible_collections.minerops.whatsminer.plugins.module_utils._device.v3.backend import V3Backend


def exchange_failing(make):
    def exchange_frame(host, port, payload, connect_timeout, read_timeout, max_bytes):
        raise make(host, port, read_timeout)
    return exchange_frame


@pytest.mark.parametrize('received', [0, 7], ids=['silent', 'trickling'])
def test_a_port_that_holds_the_connection_raises_naming_the_port_and_the_way_out(monkeypatch, received):
    monkeypatch.setattr(v3frames, 'exchange_frame',
                        exchange_failing(lambda host, port, seconds: transport.timed_out(seconds, received, host, port)))
    with pytest.raises(ReadTimeout) as caught:
        V3Backend.speaks('miner.example', 4433, 3.0)
    text = str(caught.value)
    assert text.startswith('miner.example:4433: the API v3 port took the connection but sent no complete answer '
                           'within 3.0 s (got %d bytes)' % received)
    assert 'set api_version: v2' in text and caught.value.retryable and caught.value.received == received


@pytest.mark.parametrize('error', [NoReply, ConnectionReset], ids=['closed', 'reset'])
def test_a_port_that_closes_at_once_stays_unsure(monkeypatch, error):
    monkeypatch.setattr(v3frames, 'exchange_frame',
                        exchange_failing(lambda host, port, seconds: error('closed', host, port)))
    assert V3Backend.speaks('miner.example', 4433, 3.0) is None
