"""A real RTSP camera for tests: GStreamer's RTSP server on 127.0.0.1.

Run with Debian's /usr/bin/python3 (python3-gi lives there, not in the venv):

    /usr/bin/python3 tests/servers/rtsp_server.py PORT [--width W --height H --fps N]
                     [--tls-port P --tls-cert cert.pem --tls-key key.pem]

Mounts: /test (open) and /auth (basic auth admin:s3cret). With --tls-port the same
mounts are also served over RTSPS (TLS) on that port. Prints READY once listening.
"""
from __future__ import annotations

import argparse
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import Gio, GLib, Gst, GstRtspServer  # noqa: E402

USER, PASSWORD = "admin", "s3cret"
# The anonymous role may watch /test; only the "camera-user" role may watch /auth.
ANON_ROLE, USER_ROLE = "anonymous", "camera-user"


def launch_line(width: int, height: int, fps: int) -> str:
    """The STACK-NOTES recipe: a live moving ball, H.264 with a keyframe every second.
    The ball moves by the wall clock, like a live camera: animated by frame count it would
    restart for every client, so each grab would get the very same first picture (which
    the corruption checks rightly call a frozen stream)."""
    return (
        f"( videotestsrc is-live=true pattern=ball animation-mode=wall-time ! "
        f"video/x-raw,width={width},height={height},framerate={fps}/1 ! "
        f"x264enc tune=zerolatency speed-preset=ultrafast key-int-max={fps} ! "
        "rtph264pay name=pay0 pt=96 )"
    )


def make_factory(launch: str, anonymous: bool) -> GstRtspServer.RTSPMediaFactory:
    factory = GstRtspServer.RTSPMediaFactory.new()
    factory.set_launch(launch)
    # One pipeline per client: with a shared one, gst-rtsp-server 1.22 aborts
    # (gst_rtsp_media_get_rates assertion) when clients come and go concurrently.
    factory.set_shared(False)
    perms = GstRtspServer.RTSPPermissions()
    for role in (ANON_ROLE, USER_ROLE):
        perms.add_role(role)
        # Denied "access" answers 404; denied "construct" answers 401 with a
        # challenge, which is what a real camera does and what clients react to.
        perms.add_permission_for_role(role, "media.factory.access", True)
        allowed = anonymous or role == USER_ROLE
        perms.add_permission_for_role(role, "media.factory.construct", allowed)
    factory.set_permissions(perms)
    return factory


def make_auth(tls: Gio.TlsCertificate | None) -> GstRtspServer.RTSPAuth:
    auth = GstRtspServer.RTSPAuth()
    anon = GstRtspServer.RTSPToken()
    anon.set_string("media.factory.role", ANON_ROLE)
    auth.set_default_token(anon)
    user = GstRtspServer.RTSPToken()
    user.set_string("media.factory.role", USER_ROLE)
    auth.add_basic(GstRtspServer.RTSPAuth.make_basic(USER, PASSWORD), user)
    if tls is not None:
        auth.set_tls_certificate(tls)
        auth.set_tls_authentication_mode(Gio.TlsAuthenticationMode.NONE)
    return auth


def make_server(port: int, launch: str, tls: Gio.TlsCertificate | None) -> GstRtspServer.RTSPServer:
    server = GstRtspServer.RTSPServer.new()
    server.set_address("127.0.0.1")
    server.set_service(str(port))
    server.set_auth(make_auth(tls))
    mounts = server.get_mount_points()
    mounts.add_factory("/test", make_factory(launch, anonymous=True))
    mounts.add_factory("/auth", make_factory(launch, anonymous=False))
    if server.attach(None) == 0:
        raise SystemExit(f"cannot listen on 127.0.0.1:{port}")
    return server


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("port", type=int)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=720)
    parser.add_argument("--fps", type=int, default=10)
    parser.add_argument("--tls-port", type=int, default=0)
    parser.add_argument("--tls-cert", default="")
    parser.add_argument("--tls-key", default="")
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    Gst.init(None)
    launch = launch_line(args.width, args.height, args.fps)
    servers = [make_server(args.port, launch, None)]
    if args.tls_port:
        cert = Gio.TlsCertificate.new_from_files(args.tls_cert, args.tls_key)
        servers.append(make_server(args.tls_port, launch, cert))
    loop = GLib.MainLoop()
    # SIGTERM from the fixture: leave the loop so GStreamer shuts down cleanly.
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, loop.quit)
    print("READY", flush=True)
    loop.run()


if __name__ == "__main__":
    main(sys.argv[1:])
