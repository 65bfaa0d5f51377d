using System.Diagnostics;
using CoStream.Signaling.Commerce;
using CoStream.Signaling.Store;
using Npgsql;

namespace CoStream.Signaling.Tests.Commerce;

/// <summary>
/// A throw-away PostgreSQL cluster from Debian's postgresql package (installed by scripts/setup.sh):
/// initdb into a temporary directory, listening only on a Unix socket in that directory (no TCP port),
/// stopped and deleted after the tests. PostgreSQL refuses to run as root, so as root it runs as the
/// package's `postgres` user.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private string _directory = "";
    private string _bin = "";
    private int _databases;

    public string SocketDirectory => _directory;

    public async Task InitializeAsync()
    {
        _bin = FindBinaries();
        _directory = Directory.CreateTempSubdirectory("costream-pg-").FullName;
        if (IsRoot) await RunAsync("chown", "postgres", _directory);
        var data = Path.Combine(_directory, "data");
        await RunAsPostgresAsync(Path.Combine(_bin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8");
        await StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_directory.Length == 0) return;
        try { await RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), "-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop"); }
        finally { try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } }
    }

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = _directory,
        Username = "postgres",
        Database = database,
        MaxPoolSize = 80,
    }.ToString();

    /// <summary>A fresh, empty database; returns its name.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"ledger_{Interlocked.Increment(ref _databases)}";
        await using var admin = new NpgsqlConnection(ConnectionString("postgres"));
        await admin.OpenAsync();
        await new NpgsqlCommand($"CREATE DATABASE {name}", admin).ExecuteNonQueryAsync();
        return name;
    }

    /// <summary>A fresh database with an open ledger on it.</summary>
    public async Task<ITestLedger> CreateLedgerAsync()
    {
        var connectionString = ConnectionString(await CreateDatabaseAsync());
        return new PostgresTestLedger(await PostgresCommerceLedger.OpenAsync(connectionString), connectionString);
    }

    /// <summary>
    /// Stops the server the way a crash would (immediate: no checkpoint, no flush beyond what commits
    /// already forced) and starts it again, which replays its WAL.
    /// </summary>
    public async Task CrashAndRestartAsync()
    {
        NpgsqlConnection.ClearAllPools();
        var data = Path.Combine(_directory, "data");
        await RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop");
        await StartAsync();
    }

    private Task StartAsync() =>
        RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), "-D", Path.Combine(_directory, "data"), "-l", Path.Combine(_directory, "server.log"), "-w",
            "-o", $"-k {_directory} -c listen_addresses='' -c max_connections=300", "start");

    private sealed class PostgresTestLedger(ICommerceLedger ledger, string connectionString) : ITestLedger
    {
        public ICommerceLedger Ledger => ledger;
        public async Task<ICommerceLedger> OpenAnotherAsync() => await PostgresCommerceLedger.OpenAsync(connectionString);
        public ValueTask DisposeAsync() => ledger.DisposeAsync();
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static string FindBinaries() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                  .Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
              ?? throw new InvalidOperationException("no initdb under /usr/lib/postgresql: run scripts/setup.sh")
            : throw new InvalidOperationException("PostgreSQL is not installed: run scripts/setup.sh");

    private static Task RunAsPostgresAsync(string program, params string[] args) =>
        IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", program, .. args]) : RunAsync(program, args);

    private static async Task RunAsync(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}{await stdout}");
    }
}
