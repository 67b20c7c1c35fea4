/**
 * The provider the trunk tests run against: Kamailio's routing script. REGISTER is
 * authenticated against one account (plain password in the script; a wrong password is
 * answered 403 "Wrong password", as many providers do) and saved in usrloc (memory). An
 * INVITE to one of the office's DIDs goes to the registered trunk (location lookup on the
 * account, the DID kept in the Request-URI); any other INVITE must come from the
 * account (407 challenge, qop=auth) and goes to the far-end callee. Record-Route keeps
 * Kamailio in the dialogs, so BYEs come from the provider's address as they would.
 */
export interface ProviderScript {
  domain: string;
  username: string;
  /** Further accounts with the same password (registration only). */
  others?: string[];
  password: string;
  /** DIDs the provider routes to the office (a regular expression on the Request-URI's user). */
  didPattern: string;
  /** Where calls out of the office go (the far-end callee). */
  calleePort: number;
}

export function providerScript(p: ProviderScript): string {
  return `
modparam("registrar", "min_expires", 10)
modparam("registrar", "default_expires", 60)
modparam("rr", "append_fromtag", 1)

request_route {
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (has_totag()) {
    if (loose_route()) { t_relay(); exit; }
    if (is_method("ACK")) { if (t_check_trans()) { t_relay(); } exit; }
    sl_send_reply("404", "Not here"); exit;
  }
  if (is_method("CANCEL")) { if (t_check_trans()) { t_relay(); } exit; }
  if (is_method("OPTIONS") && $rU == $null) { sl_send_reply("200", "Keepalive OK"); exit; }
  if (is_method("REGISTER")) {
    $var(rc) = pv_www_authenticate("${p.domain}", "${p.password}", "0");
    if ($var(rc) == -2 || ($var(rc) > 0 && ${[p.username, ...(p.others ?? [])].map((u) => `$au != "${u}"`).join(' && ')})) { xlog("L_NOTICE", "provider: REGISTER with wrong credentials from $si:$sp\\n"); sl_send_reply("403", "Wrong password"); exit; }
    if ($var(rc) < 0) { www_challenge("${p.domain}", "1"); exit; }
    if (!save("location")) { sl_reply_error(); }
    exit;
  }
  if (is_method("INVITE")) {
    record_route();
    if ($rU =~ "${p.didPattern}") {
      $var(did) = $rU;
      $rU = "${p.username}";
      if (!lookup("location")) { sl_send_reply("480", "Trunk not registered"); exit; }
      $rU = $var(did);
      xlog("L_NOTICE", "provider: call to DID $var(did) sent to $ru\\n");
      t_relay();
      exit;
    }
    $var(rc) = pv_proxy_authenticate("${p.domain}", "${p.password}", "0");
    if ($var(rc) < 0) { proxy_challenge("${p.domain}", "1"); exit; }
    consume_credentials();
    $du = "sip:127.0.0.1:${p.calleePort}";
    xlog("L_NOTICE", "provider: call from the office to $rU\\n");
    t_relay();
    exit;
  }
  sl_send_reply("405", "Method Not Allowed");
}
`;
}
