using CoStream.Signaling.Store;

namespace CoStream.Signaling.Tests.Commerce;

/// <summary>A SQLite ledger in a fresh temporary directory, deleted on dispose.</summary>
internal sealed class TempLedger : IAsyncDisposable
{
    public string Directory { get; }
    public string DatabasePath => Path.Combine(Directory, "ledger.db");
    public SqliteCommerceLedger Ledger { get; private set; } = null!;

    private TempLedger(string directory) => Directory = directory;

    public static async Task<TempLedger> CreateAsync()
    {
        var temp = new TempLedger(System.IO.Directory.CreateTempSubdirectory("costream-ledger-").FullName);
        temp.Ledger = await SqliteCommerceLedger.OpenAsync(temp.DatabasePath);
        return temp;
    }

    public async ValueTask DisposeAsync()
    {
        await Ledger.DisposeAsync();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
