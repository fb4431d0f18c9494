"""A fake SMS provider (Infobip's API shape) and a fake Web Push service, as local HTTP
servers in a thread: what the product sends crosses a real socket and is counted here."""

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class _Server:
    def __init__(self):
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                owner.handle(self, "GET")

            def do_POST(self):
                owner.handle(self, "POST")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    @staticmethod
    def reply(handler, status: int, body: dict | None = None):
        data = json.dumps(body or {}).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)


class FakeSmsProvider(_Server):
    """``POST /sms/3/messages`` records each message by its ``messageId``;
    ``GET /sms/3/logs?messageId=`` finds them; every request must carry the API key."""

    api_key = "test-key"

    def __init__(self):
        super().__init__()
        self.messages: list[dict] = []
        self.unauthorised = 0

    def handle(self, handler, method):
        if handler.headers.get("Authorization") != f"App {self.api_key}":
            self.unauthorised += 1
            return self.reply(handler, 401, {"requestError": {}})
        parts = urlsplit(handler.path)
        if method == "POST" and parts.path == "/sms/3/messages":
            body = json.loads(handler.rfile.read(int(handler.headers["Content-Length"])))
            answer = []
            for message in body["messages"]:
                for destination in message["destinations"]:
                    record = {
                        "to": destination["to"],
                        "messageId": destination["messageId"],
                        "text": message["content"]["text"],
                        "sender": message["sender"],
                        "notifyUrl": message.get("webhooks", {}).get("delivery", {}).get("url"),
                    }
                    with self.lock:
                        self.messages.append(record)
                    answer.append(
                        {
                            "messageId": destination["messageId"],
                            "status": {"groupName": "PENDING", "name": "PENDING_ACCEPTED"},
                        }
                    )
            return self.reply(handler, 200, {"bulkId": "b", "messages": answer})
        if method == "GET" and parts.path == "/sms/3/logs":
            wanted = parse_qs(parts.query).get("messageId", [""])[0]
            with self.lock:
                found = [m for m in self.messages if m["messageId"] == wanted]
            return self.reply(
                handler, 200, {"results": [{"messageId": m["messageId"]} for m in found]}
            )
        return self.reply(handler, 404)

    def counts(self) -> Counter:
        with self.lock:
            return Counter(m["messageId"] for m in self.messages)


class FakePushService(_Server):
    """Accepts Web Push messages at ``/push/<device>``; answers 410 Gone for devices listed
    in ``gone``; records each request's headers (Topic, TTL, VAPID authorisation)."""

    def __init__(self):
        super().__init__()
        self.requests: list[dict] = []
        self.gone: set[str] = set()

    def handle(self, handler, method):
        parts = urlsplit(handler.path)
        device = parts.path.rsplit("/", 1)[-1]
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length)
        if method != "POST" or not parts.path.startswith("/push/"):
            return self.reply(handler, 404)
        if device in self.gone:
            return self.reply(handler, 410)
        with self.lock:
            self.requests.append(
                {
                    "device": device,
                    "topic": handler.headers.get("Topic"),
                    "ttl": handler.headers.get("TTL"),
                    "authorization": handler.headers.get("Authorization", ""),
                    "encoding": handler.headers.get("Content-Encoding"),
                    "size": len(body),
                }
            )
        handler.send_response(201)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    def endpoint(self, device: str) -> str:
        return f"{self.url}/push/{device}"

    def delivered(self) -> Counter:
        """Requests received per (device, topic)."""
        with self.lock:
            return Counter((r["device"], r["topic"]) for r in self.requests)
