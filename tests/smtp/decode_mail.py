"""Decodes an .eml with Python's email package and prints what a mail client would show, as JSON:
subject, from, to (display names decoded), text and html bodies, content types, and header line lengths.
Usage: decode_mail.py FILE.eml
"""
import email
import email.policy
import json
import sys


def main():
    raw = open(sys.argv[1], "rb").read()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    parts = [part.get_content_type() for part in message.walk()]
    head = raw.split(b"\r\n\r\n", 1)[0]
    print(json.dumps({
        "subject": str(message["subject"]),
        "from": str(message["from"]),
        "to": str(message["to"]),
        "from_name": message["from"].addresses[0].display_name,
        "to_name": message["to"].addresses[0].display_name,
        "message_id": str(message["message-id"]),
        # Line breaks as a reader sees them (the wire has CRLF).
        "text": text.get_content().replace("\r\n", "\n") if text is not None else None,
        "html": html.get_content().replace("\r\n", "\n") if html is not None else None,
        "content_types": parts,
        "defects": [str(d) for d in message.defects],
        "max_line": max(len(line) for line in raw.split(b"\r\n")),
        "bare_lf": b"\n" in raw.replace(b"\r\n", b""),
        "seven_bit": all(b < 128 for b in raw),
        "header_names": [name for name, _ in message.items()],
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
