"""A real SMTP server for the tests: aiosmtpd with STARTTLS and AUTH (PLAIN, LOGIN).

Every accepted message is written to MAILDIR as <id>.eml (atomically) with <id>.json beside it
(envelope sender and recipients, and an id of the SMTP session). Special recipients make the server answer like a troubled relay:
  tempfail...@  -> 451 4.3.0 (transient: the worker must retry)
  reject...@    -> 550 5.1.1 (permanent: the worker must dead-letter with this text)
Usage: smtp_server.py --port P [--implicit-port Q] --cert C --key K --maildir D --user U --password W
Runs until SIGTERM.
"""
import argparse
import json
import os
import signal
import ssl
import uuid

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Handler:
    def __init__(self, maildir):
        self.maildir = maildir

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # aiosmtpd reads commands one line at a time, so pipelined groups (RFC 2920) work;
        # it just does not say so. Advertise it so clients exercise their pipelining.
        session.host_name = hostname
        return responses[:1] + ["250-PIPELINING"] + responses[1:]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("tempfail"):
            return "451 4.3.0 Temporary failure, please try again later"
        if local.startswith("reject"):
            return "550 5.1.1 Mailbox unavailable: no such user here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        name = uuid.uuid4().hex
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8")
        # One id per SMTP session (connection), so tests can count the sessions a batch used.
        if not hasattr(session, "test_session_id"):
            session.test_session_id = uuid.uuid4().hex
        meta = {"from": envelope.mail_from, "to": envelope.rcpt_tos, "tls": session.ssl is not None,
                "authenticated": bool(session.authenticated), "mail_options": envelope.mail_options,
                "session": session.test_session_id}
        for suffix, payload in ((".eml", data), (".json", json.dumps(meta).encode())):
            tmp = os.path.join(self.maildir, "." + name + suffix + ".tmp")
            with open(tmp, "wb") as f:
                f.write(payload)
            os.rename(tmp, os.path.join(self.maildir, name + suffix))
        return "250 2.0.0 OK queued as " + name


def authenticator_for(user, password):
    def authenticator(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password:
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)
    return authenticator


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--implicit-port", type=int)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    args = parser.parse_args()
    os.makedirs(args.maildir, exist_ok=True)

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    auth = authenticator_for(args.user, args.password)
    common = dict(hostname=args.host, authenticator=auth, data_size_limit=10 * 1024 * 1024, enable_SMTPUTF8=True)
    controllers = [Controller(Handler(args.maildir), port=args.port, tls_context=context,
                              require_starttls=True, auth_require_tls=True, **common)]
    if args.implicit_port:
        # The whole session is TLS here; aiosmtpd's auth_require_tls only knows STARTTLS, so it is off.
        controllers.append(Controller(Handler(args.maildir), port=args.implicit_port, ssl_context=context,
                                      auth_require_tls=False, **common))
    for controller in controllers:
        controller.start()
    print("smtp server ready", flush=True)
    # Exit at once on SIGTERM/SIGINT: Controller.stop() can wait on clients that keep pooled
    # connections open, and every message is already on disk (written atomically).
    # A parent may have started us with these signals blocked (spawned from a thread that blocks them).
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    signal.signal(signal.SIGINT, lambda *_: os._exit(0))
    while True:
        signal.pause()

if __name__ == "__main__":
    main()
