using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CoStream.LoadTest.Hosting;

/// <summary>
/// The real CoStream host (HTTP, SignalR, WHIP/WHEP, SFU) as a child process on 127.0.0.1, so a
/// benchmark measures it apart from the load it generates. Killed on dispose.
/// </summary>
public sealed class CoStreamHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dataDir;

    private CoStreamHostProcess(Process process, string baseUrl, string dataDir)
    {
        _process = process;
        BaseUrl = baseUrl;
        _dataDir = dataDir;
    }

    public string BaseUrl { get; }
    public int ProcessId => _process.Id;

    public static async Task<CoStreamHostProcess> StartAsync(params string[] extraArgs)
    {
        var dll = FindHostDll();
        var port = FreeTcpPort();
        var dataDir = Directory.CreateTempSubdirectory("costream-host-").FullName;
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDir,
        };
        psi.ArgumentList.Add(dll);
        foreach (var a in (string[])[$"--urls=http://127.0.0.1:{port}", "--Sfu:Port=0", "--Logging:LogLevel:Default=Warning",
                     $"--CoStream:TokenSecretFile={Path.Combine(dataDir, "token-secret")}", .. extraArgs])
            psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + dll);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("[host] " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new CoStreamHostProcess(process, $"http://127.0.0.1:{port}", dataDir);
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"the host exited with {process.ExitCode}");
            try
            {
                if ((await http.GetAsync(host.BaseUrl + "/metrics")).IsSuccessStatusCode) return host;
            }
            catch (HttpRequestException) { }
            if (DateTime.UtcNow > deadline) { await host.DisposeAsync(); throw new TimeoutException("the host did not answer within 30 s"); }
            await Task.Delay(200);
        }
    }

    /// <summary>User + system CPU time the host has used so far (from /proc/PID/stat).</summary>
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11]) + long.Parse(fields[12]); // utime, stime (fields 14, 15 of the whole line)
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    private static string FindHostDll()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "CoStream.sln"))) continue;
            var candidates = new[] { "Release", "Debug" }
                .Select(c => Path.Combine(dir.FullName, "signaling", "CoStream.Signaling", "bin", c, "net10.0", "CoStream.Signaling.dll"))
                .Where(File.Exists)
                .OrderByDescending(File.GetLastWriteTimeUtc)
                .ToList();
            if (candidates.Count > 0) return candidates[0];
            throw new FileNotFoundException("build the host first: dotnet build signaling/CoStream.Signaling -c Release");
        }
        throw new DirectoryNotFoundException("CoStream.sln not found above " + AppContext.BaseDirectory);
    }

    private static int FreeTcpPort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
        }
        catch (Exception) { }
        _process.Dispose();
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
    }
}
