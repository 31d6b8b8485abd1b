using Shelfbook.Data.Audit;
using Shelfbook.Kernel;

namespace Shelfbook.Channels.Domain;

/// <summary>How a shop's link to its platform stands, as the sync monitor shows it.</summary>
public enum ConnectionHealth
{
    /// <summary>Never synced yet.</summary>
    New,

    Ok,

    /// <summary>The last run failed for a reason that may pass (server error, throttling, network); it is retried.</summary>
    Failing,

    /// <summary>The platform refused the credentials (expired or revoked token, wrong secret): a person must act (需要授权).</summary>
    AuthorizationNeeded,
}

public sealed record ConnectionSettings(bool? SyncEnabled, int? SyncIntervalSeconds, DateTime? FirstPullFrom, string? ApiBaseUrl);

/// <summary>
/// What the Channels module keeps about a catalog shop (店铺): the platform credentials, encrypted at rest with ASP.NET
/// Data Protection and never returned, the sync settings, the order-sync cursor (the end of the last window stored)
/// and the lease that lets one app node at a time sync the shop.
/// </summary>
[Audited(AuditCategory.System, "shop_connection",
    Ignore = [nameof(ProtectedCredentials), nameof(PendingCredentials), nameof(ConsentNonce), nameof(Cursor), nameof(NextSyncAt), nameof(LeaseOwner), nameof(LeaseUntil), nameof(LastSuccessAt),
        nameof(LastError), nameof(LastErrorAt), nameof(Health), nameof(UpdatedAt)])]
public sealed class ShopConnection
{
    public const int MinInterval = 30;
    public const int MaxInterval = 86_400;

    private ShopConnection() { }

    public Guid ShopId { get; private set; }

    /// <summary>The names of the credentials set (app_key, session …), for display; the values are only in <see cref="ProtectedCredentials"/>.</summary>
    public string CredentialNames { get; private set; } = "";

    public string? ProtectedCredentials { get; private set; }

    /// <summary>The app's credentials while the seller is on the platform's consent page (encrypted); the working ones stay until the code is exchanged.</summary>
    public string? PendingCredentials { get; private set; }

    /// <summary>The one consent round trip under way: its state must carry this, and a completed or newer one replaces it.</summary>
    public string? ConsentNonce { get; private set; }

    /// <summary>When the credentials were last set: the audit log shows the change, never the values.</summary>
    public DateTime? CredentialsChangedAt { get; private set; }

    /// <summary>The platform API's base address when it is not the platform's own (a sandbox, a regional host).</summary>
    public string? ApiBaseUrl { get; private set; }

    public bool SyncEnabled { get; private set; }
    public int SyncIntervalSeconds { get; private set; } = 300;

    /// <summary>Where the first pull starts (orders updated after it).</summary>
    public DateTime FirstPullFrom { get; private set; }

    /// <summary>The end of the last window whose orders are stored: the next pull starts here, less the overlap.</summary>
    public DateTime? Cursor { get; private set; }

    public DateTime? NextSyncAt { get; private set; }
    public string? LeaseOwner { get; private set; }
    public DateTime? LeaseUntil { get; private set; }
    public DateTime? LastSuccessAt { get; private set; }
    public string? LastError { get; private set; }
    public DateTime? LastErrorAt { get; private set; }
    public ConnectionHealth Health { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public static ShopConnection Create(Guid shopId, DateTime now) =>
        new() { ShopId = shopId, FirstPullFrom = now.AddDays(-1), UpdatedAt = now };

    public void Configure(ConnectionSettings input, DateTime now)
    {
        var check = new InputCheck();
        if (input.SyncIntervalSeconds is { } interval && interval is < MinInterval or > MaxInterval)
            check.Add("syncIntervalSeconds", "out_of_range", $"syncIntervalSeconds must be {MinInterval}–{MaxInterval}.", MinInterval, MaxInterval);
        if (input.FirstPullFrom is { } from && (TenantTime.FromApi(from) > now.AddMinutes(5) || TenantTime.FromApi(from) < now.AddDays(-90)))
            check.Add("firstPullFrom", "out_of_range", "firstPullFrom must lie within the last 90 days.");
        var url = check.Optional("apiBaseUrl", input.ApiBaseUrl, 300);
        if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))))
            check.Add("apiBaseUrl", "invalid_url", "apiBaseUrl must be an absolute https address (plain http only on this machine, for a sandbox).");
        check.ThrowIfAny();
        if (input.ApiBaseUrl is not null && url != ApiBaseUrl && ProtectedCredentials is not null)
        {
            // The credentials were given for the old address: they are not sent to a new one until someone enters them again.
            (ProtectedCredentials, CredentialNames, CredentialsChangedAt, SyncEnabled) = (null, "", now, false);
        }
        if (input.SyncEnabled is { } enabled)
        {
            if (enabled && ProtectedCredentials is null)
                throw new RuleViolatedException("connection.no_credentials", "Set the shop's credentials before turning sync on.");
            SyncEnabled = enabled;
            if (enabled) NextSyncAt ??= now;
        }
        if (input.SyncIntervalSeconds is { } seconds) SyncIntervalSeconds = seconds;
        if (input.FirstPullFrom is { } first && Cursor is null) FirstPullFrom = TenantTime.FromApi(first);
        if (input.ApiBaseUrl is not null) ApiBaseUrl = url;
        UpdatedAt = now;
    }

    public void SetCredentials(IEnumerable<string> names, string protectedValue, DateTime now)
    {
        (CredentialNames, ProtectedCredentials, CredentialsChangedAt, UpdatedAt) = (string.Join(",", names.Order(StringComparer.Ordinal)), protectedValue, now, now);
        if (Health == ConnectionHealth.AuthorizationNeeded) Health = ConnectionHealth.New;
        NextSyncAt = SyncEnabled ? now : NextSyncAt;
    }

    public void AwaitConsent(string protectedAppCredentials, string nonce, DateTime now) =>
        (PendingCredentials, ConsentNonce, UpdatedAt) = (protectedAppCredentials, nonce, now);

    public void EndConsent(DateTime now) => (PendingCredentials, ConsentNonce, UpdatedAt) = (null, null, now);

    /// <summary>Where the next pull starts: the stored cursor less the overlap, or the first pull's start.</summary>
    public DateTime PullStart(TimeSpan overlap) => Cursor is { } cursor ? cursor - overlap : FirstPullFrom;

    public void Advance(DateTime windowEnd) => Cursor = Cursor is { } cursor && cursor > windowEnd ? cursor : windowEnd;

    public void Succeeded(DateTime now)
    {
        (LastSuccessAt, Health, LastError, LastErrorAt) = (now, ConnectionHealth.Ok, null, null);
        NextSyncAt = now.AddSeconds(SyncIntervalSeconds);
    }

    public void Failed(string error, bool authorization, DateTime now, TimeSpan retryIn)
    {
        (LastError, LastErrorAt) = (error.Length > 1000 ? error[..1000] : error, now);
        Health = authorization ? ConnectionHealth.AuthorizationNeeded : ConnectionHealth.Failing;
        NextSyncAt = authorization ? null : now + retryIn;
    }
}

/// <summary>
/// One order-sync run of a shop (同步日志): when, how many windows, pages and orders, how often the platform throttled,
/// and how it ended. The sync monitor sums today's; the page lists a shop's recent runs.
/// </summary>
public sealed class SyncRunLog
{
    public long Id { get; set; }
    public Guid ShopId { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime FinishedAt { get; set; }
    public int Windows { get; set; }
    public int Pages { get; set; }
    public int Inserted { get; set; }
    public int Updated { get; set; }
    public int Quarantined { get; set; }
    public int Throttled { get; set; }

    /// <summary>The platform's message when the run stopped early; null when it got through.</summary>
    public string? Error { get; set; }
}
