using Shelfbook.Catalog.Contracts;
using Shelfbook.Channels.Domain;

namespace Shelfbook.Channels.Connectors;

/// <summary>A shop's credentials as the platform names them (app_key, app_secret, session …), decrypted for one call.</summary>
public sealed class ShopCredentials(IReadOnlyDictionary<string, string> values)
{
    public IReadOnlyDictionary<string, string> Values { get; private set; } = values;

    /// <summary>Takes tokens the platform just issued (a refresh), for the rest of this call's work.</summary>
    public void Replace(IReadOnlyDictionary<string, string> values) => Values = values;

    /// <summary>The value, or an authorization failure naming the missing credential.</summary>
    public string Require(string name) =>
        Values.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value)
            ? value
            : throw new PlatformCallException(PlatformFailure.Authorization, "missing_credential", $"The shop has no '{name}' credential.");
}

/// <summary>What a connector needs for one shop: where the API is, the shop's credentials and the clock.</summary>
public sealed record ConnectorContext(Guid ShopId, HttpClient Http, Uri BaseUrl, ShopCredentials Credentials, TimeProvider Time)
{
    /// <summary>Stores credentials the platform rotated (a refreshed access token and its new refresh token), encrypted on the shop.</summary>
    public Func<IReadOnlyDictionary<string, string>, CancellationToken, Task>? SaveCredentials { get; init; }

    /// <summary>The shop's credentials as stored now (another worker or node may have renewed the tokens since this call began).</summary>
    public Func<CancellationToken, Task<IReadOnlyDictionary<string, string>?>>? ReloadCredentials { get; init; }

    /// <summary>Where the connector's time went (the sync monitor and the bench read it).</summary>
    public CallTimings Timings { get; } = new();
}

/// <summary>Time spent on the wire (request to last byte) and parsing answers into records; safe across threads.</summary>
public sealed class CallTimings
{
    private long _http;
    private long _parse;

    public TimeSpan Http => TimeSpan.FromTicks(Interlocked.Read(ref _http));

    public TimeSpan Parse => TimeSpan.FromTicks(Interlocked.Read(ref _parse));

    public void AddHttp(TimeSpan time) => Interlocked.Add(ref _http, time.Ticks);

    public void AddParse(TimeSpan time) => Interlocked.Add(ref _parse, time.Ticks);
}

/// <summary>Why a platform call failed, which decides what the sync does next.</summary>
public enum PlatformFailure
{
    /// <summary>Too many calls: wait and try again.</summary>
    Throttled,

    /// <summary>The credentials were refused (expired or revoked token, wrong secret, no permission): a person must act.</summary>
    Authorization,

    /// <summary>A fault on the platform's side (5xx, isp.* sub-codes, a page of HTML): try again later.</summary>
    Server,

    /// <summary>The platform refused the request itself (bad argument, window too long, clock skew): retrying the same fails again.</summary>
    Request,
}

/// <summary>A platform call that failed, with the platform's own code and message.</summary>
public sealed class PlatformCallException(PlatformFailure failure, string code, string message, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(message, inner)
{
    public PlatformFailure Failure { get; } = failure;
    public string Code { get; } = code;
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>A platform order line as read, before it is stored.</summary>
public sealed record PlatformLineData(
    string PlatformLineId, string? PlatformItemId, string? PlatformSkuId, string? SellerCode, string? Title, string? Spec,
    int Quantity, long Price, long Paid, RefundState Refund);

/// <summary>A platform order as read and normalized: amounts in minor units of <see cref="Currency"/>, times in UTC.</summary>
public sealed record PlatformOrderData(
    string PlatformOrderId, PlatformOrderStatus Status, string PlatformStatus, RefundState Refund,
    DateTime PlacedAt, DateTime? PaidAt, DateTime UpdatedAt,
    string? BuyerNick, string? BuyerMessage, string? SellerMemo,
    string? ReceiverName, string? ReceiverPhone, string? Country, string? Province, string? City, string? District, string? Address, string? PostalCode,
    string Currency, long GoodsAmount, long Discount, long Postage, long Paid,
    IReadOnlyList<PlatformLineData> Lines)
{
    /// <summary>A presale order (预售): it ships from its promised date, not at once.</summary>
    public bool Presale { get; init; }

    /// <summary>The latest ship time the platform promised the buyer (UTC): a presale's ship date, else the platform's ship-within deadline; null when it gives none.</summary>
    public DateTime? ShipBy { get; init; }
}

/// <summary>One record of a page: the order read from it, or the error that kept it from being read (it goes to quarantine).</summary>
public sealed record PulledRecord(string Payload, PlatformOrderData? Order, string? Error, string? PlatformOrderId)
{
    public static PulledRecord Read(string payload, PlatformOrderData order) => new(payload, order, null, order.PlatformOrderId);

    public static PulledRecord Unreadable(string payload, string error, string? platformOrderId) => new(payload, null, error, platformOrderId);

    /// <summary>Reads a record with <paramref name="parse"/>; a missing id (named <paramref name="idField"/>) or an unreadable field quarantines it.</summary>
    public static PulledRecord From(string payload, string? platformOrderId, string idField, Func<string, PlatformOrderData> parse)
    {
        try
        {
            return Read(payload, parse(platformOrderId ?? throw new UnreadableRecordException($"{idField} is missing.")));
        }
        catch (UnreadableRecordException e)
        {
            return Unreadable(payload, e.Message, platformOrderId);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException or IndexOutOfRangeException)
        {
            // A field of an unexpected JSON kind (an object where a string was due …): the record, not the page, is at fault.
            return Unreadable(payload, $"The record has an unexpected shape: {e.Message}", platformOrderId);
        }
    }
}

/// <summary>A parcel to confirm on the platform: the order, the lines it carries (all when empty), tracking number and the platform's carrier code.</summary>
public sealed record ShipmentToConfirm(string PlatformOrderId, IReadOnlyList<string> PlatformLineIds, string TrackingNo, string PlatformCarrierCode);

/// <summary>One of a shop's sellable variants as its platform lists it, with the quantity the platform shows.</summary>
public sealed record PlatformListing(
    string PlatformItemId, string PlatformSkuId, string? SellerCode, string? Title, string? Spec, long? Price, long? Quantity, string? Barcode = null);

/// <summary>A listing's quantity to set on the platform (a full quantity, never a delta).</summary>
public sealed record StockToPush(Guid ListingId, string PlatformItemId, string PlatformSkuId, string? SellerCode, long Quantity);

/// <summary>How one listing's push went: <see cref="Error"/> is null when the platform took the quantity.</summary>
public sealed record StockPushResult(Guid ListingId, PlatformCallException? Error);

/// <summary>
/// One platform's API behind the connector interface (one folder per platform): pulls orders changed in a window,
/// paging as the platform requires, fetches one order, confirms shipments, fetches listings and pushes stock.
/// </summary>
public interface IPlatformConnector
{
    /// <summary>The catalog platforms this connector serves (Taobao and Tmall share TOP).</summary>
    IReadOnlyList<ShopPlatform> Platforms { get; }

    /// <summary>The platform's production address.</summary>
    Uri DefaultBaseUrl { get; }

    /// <summary>The credentials a shop must have, by the platform's names.</summary>
    IReadOnlyList<string> CredentialNames { get; }

    /// <summary>Credentials a shop may have besides (a refresh token that renews an expired access token).</summary>
    IReadOnlyList<string> OptionalCredentialNames => [];

    /// <summary>The longest window one pull may ask for (the platform refuses more).</summary>
    TimeSpan MaxWindow { get; }

    /// <summary>How far a pull reaches back before the stored cursor, for records the platform indexed late.</summary>
    TimeSpan Overlap { get; }

    /// <summary>How far behind the platform's clock a window ends, so that it is complete when read.</summary>
    TimeSpan Lag { get; }

    /// <summary>The least lag the platform accepts (Amazon refuses windows ending less than two minutes back); no setting goes below it.</summary>
    TimeSpan MinimumLag => TimeSpan.Zero;

    /// <summary>The orders updated in [<paramref name="windowStart"/>, <paramref name="windowEnd"/>] (UTC), a page at a time.</summary>
    IAsyncEnumerable<IReadOnlyList<PulledRecord>> PullAsync(ConnectorContext context, DateTime windowStart, DateTime windowEnd, CancellationToken ct);

    /// <summary>One order by its platform id, or null when the platform does not know it.</summary>
    Task<PulledRecord?> FetchAsync(ConnectorContext context, string platformOrderId, CancellationToken ct);

    /// <summary>
    /// Confirms the parcel (回传). Returns normally when the platform accepted it or already shows the order shipped with
    /// this tracking number (a retry after a lost answer); throws the platform's error otherwise.
    /// </summary>
    Task ConfirmShipmentAsync(ConnectorContext context, ShipmentToConfirm shipment, CancellationToken ct);

    /// <summary>The shop's listings (一键抓取), a page at a time, each variant with the quantity the platform shows.</summary>
    IAsyncEnumerable<IReadOnlyList<PlatformListing>> FetchListingsAsync(ConnectorContext context, CancellationToken ct);

    /// <summary>
    /// Sets the listings' quantities, as many per call as the platform allows. Answers one result per listing tried, in
    /// order; a listing the platform refused carries its error and the rest go on. On throttling, refused credentials or a
    /// server fault the push stops there: that listing carries the error and the ones after it are left out.
    /// </summary>
    Task<IReadOnlyList<StockPushResult>> PushStockAsync(ConnectorContext context, IReadOnlyList<StockToPush> listings, CancellationToken ct);
}

/// <summary>
/// A platform where the seller grants access on the platform's own consent page (OAuth authorization code): the shop
/// is given its app's credentials, the seller agrees on the platform, and the code that comes back is exchanged for
/// the tokens the connector needs.
/// </summary>
public interface IConsentFlow
{
    /// <summary>The credentials entered before consent (the app's, and anything the platform does not send back); the others come from the exchange.</summary>
    IReadOnlyList<string> AppCredentialNames { get; }

    /// <summary>The query parameter the platform sends the code back in (Amazon: <c>spapi_oauth_code</c>).</summary>
    string CodeParameter => "code";

    /// <summary>The platform's consent page for the app, sending the seller back to <paramref name="redirectUri"/> with a code and <paramref name="state"/>.</summary>
    Uri ConsentUrl(ConnectorContext context, string redirectUri, string state);

    /// <summary>
    /// The code exchanged for the credentials the app's do not cover (tokens, and a seller id that came back in
    /// <paramref name="returned"/>, the other parameters of the return address); a refusal is an authorization failure.
    /// </summary>
    Task<IReadOnlyDictionary<string, string>> ExchangeAsync(ConnectorContext context, string code, string redirectUri, IReadOnlyDictionary<string, string> returned,
        CancellationToken ct);
}

/// <summary>Addresses of consent pages.</summary>
public static class ConsentPage
{
    /// <summary><paramref name="page"/> with the query parameters, each escaped.</summary>
    public static Uri Url(string page, Dictionary<string, string> query) =>
        new($"{page}?{string.Join("&", query.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"))}");

    /// <summary>
    /// A page served beside the API gateway of another address (the sandbox): the gateway's own path
    /// <paramref name="gateway"/> at the end of <paramref name="baseUrl"/> replaced by <paramref name="path"/>.
    /// </summary>
    public static string Beside(Uri baseUrl, string gateway, string path)
    {
        var root = baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        if (gateway.Length > 0 && root.EndsWith("/" + gateway, StringComparison.Ordinal)) root = root[..^(gateway.Length + 1)];
        return $"{root}/{path}";
    }
}
