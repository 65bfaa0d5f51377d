using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CoStream.Signaling.Tests.Rooms;

namespace CoStream.Signaling.Tests.E2E;

/// <summary>
/// The real CoStream host as a child process (<c>dotnet signaling/…/bin/Release/net10.0/CoStream.Signaling.dll</c>)
/// on 127.0.0.1, so a test can SIGKILL it and start it again on the same store. Its working directory and token
/// secret file live in a temporary directory the caller owns.
/// </summary>
public sealed class ChildHost : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly Process _process;

    private ChildHost(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public static string HostDll() =>
        Path.Combine(SignalRDriver.RepoRoot(), "signaling", "CoStream.Signaling", "bin", "Release", "net10.0", "CoStream.Signaling.dll");

    /// <summary>Starts the host with <paramref name="settings"/> (<c>--Key=value</c>) and waits until it answers /metrics.</summary>
    public static async Task<ChildHost> StartAsync(string workDirectory, string secretBase64, params string[] settings)
    {
        var dll = HostDll();
        if (!File.Exists(dll)) throw new FileNotFoundException("build signaling/CoStream.Signaling -c Release first", dll);
        var port = FreeTcpPort();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workDirectory,
        };
        foreach (var arg in (string[])[dll, $"--urls=http://127.0.0.1:{port}", "--Sfu:Port=0", $"--CoStream:TokenSecret={secretBase64}",
                     $"--CoStream:TokenSecretFile={Path.Combine(workDirectory, "token-secret")}", "--CoStream:DevTokens=false",
                     "--Logging:LogLevel:Default=Warning", .. settings])
            info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) errors.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new ChildHost(process, $"http://127.0.0.1:{port}");
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60)) // a hang guard, not a measurement
        {
            if (process.HasExited)
                throw new InvalidOperationException($"the host exited with {process.ExitCode}: {string.Join('\n', errors)}");
            try
            {
                using var response = await Http.GetAsync(host.BaseUrl + "/metrics");
                if (response.IsSuccessStatusCode) return host;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        await host.DisposeAsync();
        throw new TimeoutException("the host did not answer /metrics: " + string.Join('\n', errors));
    }

    /// <summary>SIGKILL: no shutdown code runs, whatever was in flight is cut.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try { await KillAsync(); } catch (InvalidOperationException) { }
        _process.Dispose();
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
