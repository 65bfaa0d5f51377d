using CoStream.Signaling.Commerce;
using CoStream.Signaling.Store;

namespace CoStream.Signaling.Tests.Commerce;

/// <summary>A fresh, empty ledger for one test, on some store; disposing it drops the store.</summary>
public interface ITestLedger : IAsyncDisposable
{
    ICommerceLedger Ledger { get; }

    /// <summary>A second ledger on the same store, as another server process would open it (caller disposes).</summary>
    Task<ICommerceLedger> OpenAnotherAsync();
}

/// <summary>A SQLite ledger in a fresh temporary directory, deleted on dispose.</summary>
internal sealed class TempLedger : ITestLedger
{
    public string Directory { get; }
    public string DatabasePath => Path.Combine(Directory, "ledger.db");
    public SqliteCommerceLedger Sqlite { get; private set; } = null!;
    public ICommerceLedger Ledger => Sqlite;

    private TempLedger(string directory) => Directory = directory;

    public static async Task<TempLedger> CreateAsync()
    {
        var temp = new TempLedger(System.IO.Directory.CreateTempSubdirectory("costream-ledger-").FullName);
        temp.Sqlite = await SqliteCommerceLedger.OpenAsync(temp.DatabasePath);
        return temp;
    }

    public async Task<ICommerceLedger> OpenAnotherAsync() => await SqliteCommerceLedger.OpenAsync(DatabasePath);

    public async ValueTask DisposeAsync()
    {
        await Sqlite.DisposeAsync();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
