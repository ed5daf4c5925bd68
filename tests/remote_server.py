"""A real SFTP, FTP(S) or WebDAV(S) server on 127.0.0.1, serving one folder, for the tests of `publish --to`.

Run as its own process (so that a test can kill it with SIGKILL in the middle of an upload and start it again):
    python remote_server.py sftp|ftp|ftps|webdav|webdavs ROOT PORT [--password P] [--host-key F] [--authorized F]
        [--cert F --key F] [--read-only] [--full] [--no-size]
It prints "ready" once it listens.
"""
from __future__ import annotations

import argparse
import sys

USER = "can-bo"


def sftp(options) -> None:
    import asyncio

    import asyncssh

    class Server(asyncssh.SSHServer):
        def password_auth_supported(self):
            return options.password is not None

        def validate_password(self, username, password):
            return username == USER and password == options.password

    class Files(asyncssh.SFTPServer):
        def __init__(self, channel):
            super().__init__(channel, chroot=options.root.encode())

        def open(self, path, pflags, attrs):
            if options.full and pflags & asyncssh.FXF_WRITE:
                raise asyncssh.SFTPFailure("No space left on device")
            if options.read_only and pflags & asyncssh.FXF_WRITE:
                raise asyncssh.SFTPPermissionDenied("Permission denied")
            return super().open(path, pflags, attrs)

    async def main():
        await asyncssh.create_server(Server, "127.0.0.1", options.port, server_host_keys=[options.host_key],
                                     authorized_client_keys=options.authorized, sftp_factory=Files,
                                     allow_scp=False, reuse_address=True)
        print("ready", flush=True)
        await asyncio.Future()

    asyncio.run(main())


def ftp(options, tls: bool) -> None:
    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import FTPHandler, TLS_FTPHandler
    from pyftpdlib.servers import FTPServer

    authorizer = DummyAuthorizer()
    authorizer.add_user(USER, options.password, options.root, perm="elr" if options.read_only else "elradfmwMT")
    base = TLS_FTPHandler if tls else FTPHandler

    class Handler(base):
        if options.no_size:  # a server without RFC 3659's SIZE
            proto_cmds = {name: info for name, info in base.proto_cmds.items() if name != "SIZE"}

        def ftp_STOR(self, file, mode="w"):
            if options.full:
                self.respond("452 Insufficient storage space.")
                return None
            return super().ftp_STOR(file, mode)

    if tls:
        Handler.certfile, Handler.keyfile = options.cert, options.key
        Handler.tls_control_required = Handler.tls_data_required = True
    Handler.authorizer = authorizer
    Handler.log_prefix = ""
    import logging
    logging.disable(logging.CRITICAL)
    server = FTPServer(("127.0.0.1", options.port), Handler)
    print("ready", flush=True)
    server.serve_forever()


def webdav(options, tls: bool) -> None:
    from cheroot import wsgi
    from wsgidav.wsgidav_app import WsgiDAVApp

    config = {
        "host": "127.0.0.1", "port": options.port, "provider_mapping": {"/": {"root": options.root,
                                                                               "readonly": options.read_only}},
        "simple_dc": {"user_mapping": {"*": {USER: {"password": options.password}}}},
        "http_authenticator": {"accept_basic": True, "accept_digest": False, "default_to_digest": False},
        "verbose": 0, "logging": {"enable": False}, "dir_browser": {"enable": False},
    }
    app = WsgiDAVApp(config)
    if options.full:
        inner = app

        def app(environ, start_response):
            if environ["REQUEST_METHOD"] == "PUT":
                start_response("507 Insufficient Storage", [("Content-Length", "0")])
                return [b""]
            return inner(environ, start_response)
    server = wsgi.Server(("127.0.0.1", options.port), app, numthreads=4)
    if tls:
        from cheroot.ssl.builtin import BuiltinSSLAdapter
        server.ssl_adapter = BuiltinSSLAdapter(options.cert, options.key)
    server.prepare()
    print("ready", flush=True)
    server.serve()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind")
    parser.add_argument("root")
    parser.add_argument("port", type=int)
    parser.add_argument("--password")
    parser.add_argument("--host-key")
    parser.add_argument("--authorized")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--read-only", action="store_true")
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--no-size", action="store_true")
    options = parser.parse_args()
    if options.kind == "sftp":
        sftp(options)
    elif options.kind in ("ftp", "ftps"):
        ftp(options, options.kind == "ftps")
    elif options.kind in ("webdav", "webdavs"):
        webdav(options, options.kind == "webdavs")
    else:
        sys.exit(f"unknown server {options.kind}")


if __name__ == "__main__":
    main()
