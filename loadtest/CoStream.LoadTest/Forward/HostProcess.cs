using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace CoStream.LoadTest.Forward;

/// <summary>
/// The real CoStream host (Release build of signaling/CoStream.Signaling) as a child process on
/// loopback, so its CPU is read from /proc/&lt;pid&gt;/stat apart from the load generator's.
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Process _process;
    private readonly string _secretFile;

    private HostProcess(Process process, string baseUrl, string secretFile)
    {
        _process = process;
        BaseUrl = baseUrl;
        _secretFile = secretFile;
    }

    public string BaseUrl { get; }

    public int Pid => _process.Id;

    /// <summary>The Release build of the host in this repository.</summary>
    public static string DefaultHostDll()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CoStream.sln")))
            dir = dir.Parent;
        string root = dir?.FullName ?? Directory.GetCurrentDirectory();
        return Path.Combine(root, "signaling", "CoStream.Signaling", "bin", "Release", "net10.0", "CoStream.Signaling.dll");
    }

    public static async Task<HostProcess> StartAsync(string hostDll, string secretBase64, IEnumerable<string>? extraArgs = null)
    {
        if (!File.Exists(hostDll))
        {
            throw new FileNotFoundException($"Build the host first: dotnet build signaling/CoStream.Signaling -c Release ({hostDll} is missing).");
        }

        int port = FreeTcpPort();
        string baseUrl = $"http://127.0.0.1:{port}/";
        string secretFile = Path.Combine(Path.GetTempPath(), $"costream-bench-secret-{Environment.ProcessId}");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(hostDll)!,
        };
        foreach (string arg in new[]
        {
            hostDll, $"--urls=http://127.0.0.1:{port}", "--Sfu:Port=0", $"--CoStream:TokenSecret={secretBase64}",
            $"--CoStream:TokenSecretFile={secretFile}", "--Logging:LogLevel:Default=Warning",
        }.Concat(extraArgs ?? []))
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line && line.Contains("fail", StringComparison.OrdinalIgnoreCase))
            {
                Console.Error.WriteLine("[host] " + line);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new HostProcess(process, baseUrl, secretFile);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The host exited with {process.ExitCode}.");
            }

            try
            {
                await host.GetMetricsAsync();
                return host;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200);
            }
        }

        await host.DisposeAsync();
        throw new TimeoutException("The host did not answer /metrics within 30 s.");
    }

    public async Task<HostMetrics> GetMetricsAsync()
    {
        using var doc = JsonDocument.Parse(await Http.GetStringAsync(BaseUrl + "metrics"));
        JsonElement root = doc.RootElement;
        JsonElement engine = root.GetProperty("engine");
        long forwarded = root.GetProperty("sfu").TryGetProperty("rtp.forwarded", out JsonElement f) ? f.GetInt64() : 0;
        return new HostMetrics(forwarded, engine.GetProperty("loopAllocatedBytes").GetInt64(),
            engine.GetProperty("datagramsReceived").GetInt64(), engine.GetProperty("datagramsSent").GetInt64());
    }

    /// <summary>utime + stime of the host process, in seconds (/proc/&lt;pid&gt;/stat fields 14 and 15).</summary>
    public double CpuSeconds() => ProcessCpu.ReadSeconds(_process.Id);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
        }
        catch (Exception)
        {
            // Already gone.
        }

        _process.Dispose();
        File.Delete(_secretFile);
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

internal sealed record HostMetrics(long Forwarded, long LoopAllocatedBytes, long DatagramsReceived, long DatagramsSent);

/// <summary>CPU time of a process from /proc (Linux).</summary>
internal static class ProcessCpu
{
    private const double ClockTicksPerSecond = 100.0; // USER_HZ on Linux

    public static double ReadSeconds(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) is in parentheses and may hold spaces: split after the last ')'.
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state), so utime (14) is fields[11] and stime (15) fields[12].
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / ClockTicksPerSecond;
    }

    public static double SelfSeconds() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
}
