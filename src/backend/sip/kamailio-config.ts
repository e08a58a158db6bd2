import { DISPATCHER_USER_PREFIX, DISPATCH_HUNT_GROUP } from '../../shared/dispatch/sip-account.js';

/**
 * The SIP server of the embedded default and of the tests: Debian's kamailio as registrar and proxy for SIP over
 * WebSocket, rendered from a template so that its ports, domain and credential secret come from one place.
 *
 * Accounts are not stored anywhere: a user's password is derived from the server secret (see `sipPassword`), so
 * kamailio checks a digest against `sha256(secret:user)` and the backend hands the same password to the console or
 * crew terminal it has authorised. Every dispatcher seat (users starting `disp-`) is also registered under the hunt
 * group `dispatch`, so a crew calling `dispatch` rings every dispatcher at once and the first to answer takes it.
 *
 * Production centres run their own SIP server with TLS (wss), a subscriber database and an RTP relay for NAT; this
 * one is for a single machine or a LAN without NAT.
 */
export interface KamailioConfig {
  /** Address the WebSocket listener binds (loopback unless the operator widens it). */
  listenHost: string;
  wsPort: number;
  /** The SIP domain of every account (`sip:<user>@<domain>`). */
  domain: string;
  /** The secret every password is derived from. Hex only: it is pasted into the config file. */
  secret: string;
}


export function renderKamailioConfig(config: KamailioConfig): string {
  if (!/^[0-9a-f]{32,128}$/.test(config.secret)) throw new Error('The SIP secret must be 32 to 128 lowercase hex digits.');
  if (!/^[a-z0-9.-]{1,100}$/.test(config.domain)) throw new Error('The SIP domain may hold only a-z, 0-9, dots and hyphens.');
  if (!/^[0-9a-fA-F.:]{2,45}$/.test(config.listenHost)) throw new Error('The SIP listen address must be an IP address.');
  return `#!KAMAILIO
# Rendered by Zhili (src/backend/sip/kamailio-config.ts); edits here are lost at the next start.
debug=1
log_stderror=yes
memdbg=5
memlog=5
children=2
tcp_children=2
auto_aliases=no
listen=tcp:${config.listenHost}:${config.wsPort}
alias="${config.domain}"
tcp_accept_no_cl=yes
tcp_connection_lifetime=3605

loadmodule "kex.so"
loadmodule "corex.so"
loadmodule "tm.so"
loadmodule "tmx.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "sanity.so"
loadmodule "auth.so"
loadmodule "xhttp.so"
loadmodule "websocket.so"
loadmodule "nathelper.so"

modparam("tm", "fr_timer", 30000)
modparam("tm", "fr_inv_timer", 120000)
modparam("rr", "enable_full_lr", 1)
modparam("rr", "append_fromtag", 1)
modparam("usrloc", "db_mode", 0)
modparam("registrar", "max_expires", 3600)
modparam("registrar", "received_avp", "$avp(RECEIVED)")
modparam("nathelper", "received_avp", "$avp(RECEIVED)")
modparam("websocket", "keepalive_mechanism", 1)
modparam("websocket", "keepalive_interval", 20)

request_route {
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (!sanity_check("1511", "7")) { exit; }
  if (nat_uac_test(64)) {
    force_rport();
    if (is_method("REGISTER")) { fix_nated_register(); }
    else if (!has_totag() || is_method("INVITE|REFER|NOTIFY|UPDATE")) { add_contact_alias(); }
  }
  if (is_method("OPTIONS") && uri==myself && $rU==$null) { sl_send_reply("200", "OK"); exit; }

  if (has_totag()) {
    if (loose_route()) {
      if ($du == "") { handle_ruri_alias(); }
      t_relay();
      exit;
    }
    if (is_method("ACK")) { if (t_check_trans()) { t_relay(); } exit; }
    sl_send_reply("404", "Not here");
    exit;
  }
  if (is_method("CANCEL")) { if (t_check_trans()) { t_relay(); } exit; }
  t_check_trans();

  route(AUTH);

  if (is_method("REGISTER")) {
    if ($(tU{s.substr,0,${DISPATCHER_USER_PREFIX.length}}) == "${DISPATCHER_USER_PREFIX}") {
      save("location", "0x02", "sip:${DISPATCH_HUNT_GROUP}@${config.domain}");
    }
    if (!save("location")) { sl_reply_error(); }
    exit;
  }
  if (!is_method("INVITE|MESSAGE|REFER|SUBSCRIBE|NOTIFY|OPTIONS|INFO")) { sl_send_reply("405", "Method Not Allowed"); exit; }
  remove_hf("Proxy-Authorization");
  if (is_method("INVITE|SUBSCRIBE|REFER")) { record_route(); }
  # A request to a contact this proxy marked (an attended transfer's Refer-To carries one) goes over that connection.
  # Only WebSocket ones: kamailio cannot open a WebSocket, so such an alias reaches only a connection a user holds.
  if ($(ru{uri.param,alias}) != "" && $(ru{uri.param,transport}) == "ws") {
    if (!handle_ruri_alias()) { sl_send_reply("400", "Bad alias"); exit; }
  } else if (!lookup("location")) { sl_send_reply("480", "Temporarily Unavailable"); exit; }
  t_on_reply("FROM_WS");
  if (!t_relay()) { sl_reply_error(); }
  exit;
}

# A user's password is sha256("<secret>:<user>") in hex; the backend derives the same.
route[AUTH] {
  if (is_method("ACK|CANCEL|PRACK")) { return; }
  $var(seed) = "${config.secret}:" + $au;
  $var(password) = $(var(seed){s.sha256});
  if (is_method("REGISTER")) {
    if (!pv_www_authenticate("${config.domain}", "$var(password)", "0")) { www_challenge("${config.domain}", "0"); exit; }
    if ($au != $tU) { sl_send_reply("403", "Forbidden: another user's registration"); exit; }
    consume_credentials();
    return;
  }
  if (!pv_proxy_authenticate("${config.domain}", "$var(password)", "0")) { proxy_challenge("${config.domain}", "0"); exit; }
  if ($au != $fU) { sl_send_reply("403", "Forbidden: another user's identity"); exit; }
  consume_credentials();
}

onreply_route[FROM_WS] {
  if (nat_uac_test(64)) { add_contact_alias(); }
}

event_route[xhttp:request] {
  if ($hdr(Upgrade) =~ "websocket" && $hdr(Connection) =~ "Upgrade" && $rm =~ "GET") {
    if (ws_handle_handshake()) { exit; }
  }
  xhttp_reply("404", "Not Found", "text/plain", "Zhili SIP: WebSocket only\\n");
}
`;
}
