using CoStream.Signaling.Commerce;

namespace CoStream.Signaling.Store;

/// <summary>
/// Which store holds the commerce ledger, from the configuration section <c>Commerce:Store</c>:
/// SQLite by default (embedded, no set-up), PostgreSQL by configuration, e.g.
/// <c>Commerce__Store__Kind=postgres Commerce__Store__PostgresConnectionString="Host=…;Database=…"</c>.
/// </summary>
public sealed class CommerceStoreOptions
{
    public const string Section = "Commerce:Store";

    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string Kind { get; set; } = "sqlite";

    public string SqlitePath { get; set; } = ".data/commerce.db";

    public string? PostgresConnectionString { get; set; }

    /// <summary>Opens the configured ledger (creating the SQLite file's directory and the tables if needed).</summary>
    public async Task<ICommerceLedger> OpenLedgerAsync(CancellationToken cancellationToken = default)
    {
        switch (Kind.ToLowerInvariant())
        {
            case "sqlite":
                var directory = Path.GetDirectoryName(Path.GetFullPath(SqlitePath));
                if (directory is not null) Directory.CreateDirectory(directory);
                return await SqliteCommerceLedger.OpenAsync(SqlitePath, cancellationToken: cancellationToken);
            case "postgres":
                if (string.IsNullOrWhiteSpace(PostgresConnectionString))
                    throw new InvalidOperationException($"{Section}:Kind is postgres but {Section}:PostgresConnectionString is not set");
                return await PostgresCommerceLedger.OpenAsync(PostgresConnectionString, cancellationToken: cancellationToken);
            default:
                throw new InvalidOperationException($"{Section}:Kind is '{Kind}'; expected 'sqlite' or 'postgres'");
        }
    }
}
