using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace CoStream.LoadTest.Janus;

/// <summary>
/// Debian's Janus as a child process, configured by <see cref="JanusConfig"/> in a temporary
/// folder. <see cref="StartAsync"/> returns once <c>GET /janus/info</c> answers; Dispose kills
/// the process and deletes the folder.
/// </summary>
public sealed class JanusProcess : IAsyncDisposable
{
    private const int LogLinesKept = 200;

    private readonly Process _process;
    private readonly string _root;
    private readonly Queue<string> _log = new();
    private StreamWriter? _logFile;

    private JanusProcess(Process process, string root, int port)
    {
        _process = process;
        _root = root;
        HttpPort = port;
        // Leave no orphan Janus when the benchmark is interrupted: the runtime does not raise
        // ProcessExit on SIGTERM/SIGINT here, so kill on the signal and let it terminate us after.
        AppDomain.CurrentDomain.ProcessExit += OnExit;
        _signals = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
                    PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];
    }

    private readonly PosixSignalRegistration[] _signals;

    private void OnSignal(PosixSignalContext context) => KillNow();

    private void OnExit(object? sender, EventArgs e) => KillNow();

    private void KillNow()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
    }

    public int HttpPort { get; }

    /// <summary>The REST API root, e.g. http://127.0.0.1:8088/janus.</summary>
    public string ApiUrl => $"http://{Address}:{HttpPort}/janus";

    /// <summary>Where the HTTP API listens.</summary>
    public string Address { get; private init; } = "127.0.0.1";

    public bool HasExited => _process.HasExited;

    public int Pid => _process.Id;

    /// <summary>The file that receives the whole log (<see cref="JanusOptions.LogFile"/>), or null.</summary>
    public string? LogFile { get; private set; }

    /// <summary>The last lines Janus wrote (stdout and stderr), for diagnostics.</summary>
    public string RecentLog
    {
        get { lock (_log) return string.Join('\n', _log); }
    }

    public static async Task<JanusProcess> StartAsync(JanusOptions? options = null, CancellationToken ct = default)
    {
        options ??= new JanusOptions();
        if (!File.Exists(options.Executable))
            throw new FileNotFoundException($"Janus not found at {options.Executable} (apt-get install janus)", options.Executable);
        if (options.HttpPort == 0)
            options = options with { HttpPort = FreeTcpPort() };

        string root = Directory.CreateTempSubdirectory("costream-janus-").FullName;
        JanusConfig.Write(root, options);

        // In a peer namespace: `ip netns exec NS janus ...` (ip execs janus, so the pid is Janus's own).
        var psi = new ProcessStartInfo(options.NetworkNamespace is null ? options.Executable : "ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = root,
        };
        if (options.NiceDebug)
            psi.Environment["G_MESSAGES_DEBUG"] = "all";
        if (options.NetworkNamespace is { } ns)
        {
            psi.ArgumentList.Add("netns");
            psi.ArgumentList.Add("exec");
            psi.ArgumentList.Add(ns);
            psi.ArgumentList.Add(options.Executable);
        }
        psi.ArgumentList.Add("--config=" + Path.Combine(root, "janus.jcfg"));
        psi.ArgumentList.Add("--configs-folder=" + root);

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var janus = new JanusProcess(process, root, options.HttpPort) { Address = options.Address };
        if (options.LogFile is { } logFile)
        {
            janus.LogFile = logFile;
            janus._logFile = new StreamWriter(logFile, append: true) { AutoFlush = true };
        }
        process.OutputDataReceived += (_, e) => janus.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => janus.Keep(e.Data);
        try
        {
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await janus.WaitUntilReadyAsync(options.StartTimeout, ct).ConfigureAwait(false);
            return janus;
        }
        catch
        {
            await janus.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            ct.ThrowIfCancellationRequested();
            if (_process.HasExited)
                throw new InvalidOperationException($"Janus exited with code {_process.ExitCode}:\n{RecentLog}");
            try
            {
                using var res = await http.GetAsync(ApiUrl + "/info", ct).ConfigureAwait(false);
                if (res.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
            await Task.Delay(100, ct).ConfigureAwait(false);
        }
        throw new TimeoutException($"Janus did not answer {ApiUrl}/info within {timeout}:\n{RecentLog}");
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            _log.Enqueue(line);
            _logFile?.WriteLine(line);
            while (_log.Count > LogLinesKept) _log.Dequeue();
        }
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnExit;
        foreach (var signal in _signals) signal.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try { await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { }
            }
        }
        catch (InvalidOperationException) { }   // never started
        _process.Dispose();
        lock (_log) { _logFile?.Dispose(); _logFile = null; }
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
    }
}
