using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CoStream.Mixer.Tests.Rtmp;

/// <summary>
/// A real RTMP server for tests: Debian's nginx with libnginx-mod-rtmp, in the foreground (daemon off,
/// master_process off) with config, pid, logs and temp paths in a temp directory, listening on a free
/// loopback port; application "live" relays (live on) and records every stream to FLV files (record all,
/// one file per publish). An http server on another free port serves rtmp_stat (to see who plays).
/// </summary>
internal sealed class NginxRtmpServer : IDisposable
{
    public const string Binary = "/usr/sbin/nginx";
    public const string Module = "/usr/lib/nginx/modules/ngx_rtmp_module.so";

    private Process? _process;

    public string Directory { get; }
    public int RtmpPort { get; }
    public int HttpPort { get; }
    public string RecordDirectory => Path.Combine(Directory, "rec");

    public NginxRtmpServer(int? rtmpPort = null)
    {
        Assert.True(File.Exists(Module), $"nginx rtmp module missing at {Module}");
        Directory = Path.Combine(Path.GetTempPath(), $"costream-nginx-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(Directory);
        System.IO.Directory.CreateDirectory(RecordDirectory);
        RtmpPort = rtmpPort ?? FreePort();
        HttpPort = FreePort();
        File.WriteAllText(Path.Combine(Directory, "nginx.conf"), $$"""
            load_module {{Module}};
            daemon off;
            master_process off;
            user root;
            worker_processes 1;
            pid {{Directory}}/nginx.pid;
            error_log {{Directory}}/error.log info;
            events { worker_connections 256; }
            rtmp {
                server {
                    listen 127.0.0.1:{{RtmpPort}};
                    chunk_size 4096;
                    application live {
                        live on;
                        record all;
                        record_path {{RecordDirectory}};
                        record_unique on;
                    }
                }
            }
            http {
                access_log off;
                client_body_temp_path {{Directory}}/body;
                proxy_temp_path {{Directory}}/proxy;
                fastcgi_temp_path {{Directory}}/fastcgi;
                uwsgi_temp_path {{Directory}}/uwsgi;
                scgi_temp_path {{Directory}}/scgi;
                server {
                    listen 127.0.0.1:{{HttpPort}};
                    location /stat { rtmp_stat all; }
                }
            }
            """);
        Start();
    }

    public void Start()
    {
        var psi = new ProcessStartInfo(Binary) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-c", Path.Combine(Directory, "nginx.conf"), "-p", Directory + "/", "-e", Path.Combine(Directory, "error.log") })
            psi.ArgumentList.Add(a);
        _process = Process.Start(psi)!;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!PortOpen(RtmpPort))
        {
            if (_process.HasExited) Assert.Fail($"nginx exited: {_process.StandardError.ReadToEnd()} {ErrorLog()}");
            if (DateTime.UtcNow > deadline) Assert.Fail("nginx did not open its port");
            Thread.Sleep(50);
        }
    }

    /// <summary>Kills nginx (SIGKILL: the publisher sees the connection drop) and waits for it to be gone.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }
        _process?.Dispose();
        _process = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (PortOpen(RtmpPort) && DateTime.UtcNow < deadline) Thread.Sleep(20);
    }

    public string ErrorLog() => File.Exists(Path.Combine(Directory, "error.log")) ? File.ReadAllText(Path.Combine(Directory, "error.log")) : "";

    /// <summary>rtmp_stat XML (who publishes and plays).</summary>
    public string Stat()
    {
        using var http = new HttpClient();
        return http.GetStringAsync($"http://127.0.0.1:{HttpPort}/stat").GetAwaiter().GetResult();
    }

    public string[] Recordings() => System.IO.Directory.GetFiles(RecordDirectory, "*.flv").OrderBy(File.GetLastWriteTimeUtc).ToArray();

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static bool PortOpen(int port)
    {
        try
        {
            using var c = new TcpClient();
            c.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException) { return false; }
    }

    public void Dispose()
    {
        Kill();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
