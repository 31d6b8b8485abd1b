// MD5 is what the carriers' digests prescribe (中通, 丰桥: Base64 of MD5 over the body and the secret); the sandbox checks it the same way.
#pragma warning disable CA5351
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Shelfbook.Sandbox.Carriers;

/// <summary>A carrier the sandbox plays: its code, whether it goes abroad, how its numbers look, where it does not go.</summary>
public sealed class SandboxCarrier(string code, string name, bool crossBorder, Func<long, string> number, IEnumerable<string> serves)
{
    public string Code { get; } = code;
    public string Name { get; } = name;
    public bool CrossBorder { get; } = crossBorder;
    public Func<long, string> Number { get; } = number;

    /// <summary>Cross-border: the countries it takes parcels to. Domestic: China only.</summary>
    public HashSet<string> Serves { get; } = new(serves, StringComparer.OrdinalIgnoreCase);

    /// <summary>Provinces (prefixes) it does not deliver to at the moment (the control API sets them: 停发).</summary>
    public HashSet<string> Suspended { get; } = new(StringComparer.Ordinal);

    /// <summary>The last number's serial (under the platform's gate), started from the clock so that a restarted sandbox does not issue old numbers again.</summary>
    public long Serial { get; set; } = DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 10_000_000 * 100;
}

/// <summary>A seller's 电子面单 account with a carrier: its key and secret, customer code (月结号) and the numbers it has left (余额).</summary>
public sealed class CarrierAccount(string carrier, string appKey, string secret, string customerCode, long balance)
{
    public string Carrier { get; } = carrier;
    public string AppKey { get; } = appKey;
    public string Secret { get; } = secret;
    public string CustomerCode { get; } = customerCode;
    public long Balance { get; set; } = balance;
}

/// <summary>A number the sandbox issued, for the account and the caller's reference, with what became of it.</summary>
public sealed record IssuedWaybill(string Carrier, string AppKey, string Reference, string TrackingNo, string Receiver, string Destination, DateTime At)
{
    public DateTime? CancelledAt { get; set; }
}

/// <summary>The carriers' state: the carriers, the accounts, and every number issued.</summary>
public sealed class CarrierPlatform
{
    public object Gate { get; } = new();

    public Dictionary<string, SandboxCarrier> Carriers { get; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["SF"] = new("SF", "顺丰速运", false, n => "SF" + (1_400_000_000_000 + n).ToString(CultureInfo.InvariantCulture), ["CN"]),
        ["ZTO"] = new("ZTO", "中通快递", false, n => "78" + (3_100_000_000 + n).ToString("D12", CultureInfo.InvariantCulture), ["CN"]),
        ["4PX"] = new("4PX", "递四方", true, n => "4PX" + (3_000_000_000 + n).ToString(CultureInfo.InvariantCulture) + "CN",
            ["US", "CA", "GB", "DE", "FR", "IT", "ES", "NL", "AU", "JP", "KR", "SG", "MY", "TH"]),
    };

    public Dictionary<string, CarrierAccount> Accounts { get; } = new(StringComparer.Ordinal);

    /// <summary>Numbers by tracking number.</summary>
    public Dictionary<string, IssuedWaybill> Issued { get; } = new(StringComparer.Ordinal);

    /// <summary>The live number of each (account, reference): asking again for the same parcel gives the same number.</summary>
    public Dictionary<(string AppKey, string Reference), IssuedWaybill> ByReference { get; } = [];
}

/// <summary>
/// The carriers' 电子面单 API as the sandbox speaks it: <c>POST /carriers/{carrier}/api</c> with a JSON body, the account's
/// key in <c>x-app-key</c> and <c>x-data-digest</c> = Base64(MD5(body + secret)) — the shape of 中通's open platform and
/// 丰桥's msgDigest. Methods: <c>waybill.create</c> (up to 100 parcels; a number per parcel or the parcel's own error;
/// the same reference asked again gives the same number until it is cancelled) and <c>waybill.cancel</c>. Envelope
/// errors (key, digest, method) answer <c>{success: false, code, message}</c> with HTTP 200 as those carriers do.
/// </summary>
public static class CarrierGateway
{
    public const int MaxParcels = 100;

    public static void Map(WebApplication app) => app.MapPost("/carriers/{carrier}/api", Handle);

    private static async Task<IResult> Handle(string carrier, HttpRequest request, SandboxState state)
    {
        var platform = state.Carriers;
        state.Count("carrier:" + carrier);
        var faults = state.FaultsOf("carrier:" + carrier);
        if (faults.LatencyMs > 0) await Task.Delay(faults.LatencyMs);
        if (faults.TakeServerError()) return Results.Text("<html><body>502 Bad Gateway</body></html>", "text/html", statusCode: 502);
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        SandboxCarrier? known;
        CarrierAccount? account;
        lock (platform.Gate)
        {
            known = platform.Carriers.GetValueOrDefault(carrier);
            account = platform.Accounts.GetValueOrDefault(request.Headers["x-app-key"].ToString());
        }
        if (known is null) return Results.NotFound();
        if (account is null || !string.Equals(account.Carrier, known.Code, StringComparison.OrdinalIgnoreCase))
            return Fail("S01", "app key 无效 (invalid app key)");
        if (request.Headers["x-data-digest"].ToString() != Digest(body, account.Secret)) return Fail("S02", "签名错误 (data digest mismatch)");
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException)
        {
            return Fail("S03", "报文不是 JSON (body is not JSON)");
        }
        var now = state.Clock.GetUtcNow().UtcDateTime;
        return Text(root, "method") switch
        {
            "waybill.create" => Create(platform, known, account, root, now),
            "waybill.cancel" => Cancel(platform, account, root, now),
            var other => Fail("S04", $"未知方法 {other} (unknown method)"),
        };
    }

    /// <summary>Base64(MD5(UTF-8(body + secret))).</summary>
    public static string Digest(string body, string secret) => Convert.ToBase64String(MD5.HashData(Encoding.UTF8.GetBytes(body + secret)));

    private static IResult Create(CarrierPlatform platform, SandboxCarrier carrier, CarrierAccount account, JsonElement root, DateTime now)
    {
        if (!root.TryGetProperty("parcels", out var parcels) || parcels.ValueKind != JsonValueKind.Array || parcels.GetArrayLength() is 0 or > MaxParcels)
            return Fail("P01", $"parcels 必须是 1–{MaxParcels} 个包裹 (parcels must hold 1–{MaxParcels})");
        if (Text(root, "customerCode") != account.CustomerCode) return Fail("P02", "月结卡号不符 (customer code does not match the account)");
        if (!root.TryGetProperty("sender", out var sender) || string.IsNullOrWhiteSpace(Text(sender, "name")) || string.IsNullOrWhiteSpace(Text(sender, "address")))
            return Fail("P03", "寄件人不完整 (sender incomplete)");
        var results = new List<object>();
        lock (platform.Gate)
            foreach (var parcel in parcels.EnumerateArray())
            {
                var reference = Text(parcel, "reference");
                if (string.IsNullOrWhiteSpace(reference)) { results.Add(new { reference, code = "P04", message = "缺少 reference (reference missing)" }); continue; }
                if (platform.ByReference.TryGetValue((account.AppKey, reference), out var live))
                {
                    results.Add(new { reference, trackingNo = live.TrackingNo });
                    continue;
                }
                if (parcel.TryGetProperty("receiver", out var receiver) is false || string.IsNullOrWhiteSpace(Text(receiver, "name"))
                    || string.IsNullOrWhiteSpace(Text(receiver, "phone")) || string.IsNullOrWhiteSpace(Text(receiver, "address")))
                {
                    results.Add(new { reference, code = "P05", message = "收件人姓名、电话、地址不完整 (receiver name, phone or address missing)" });
                    continue;
                }
                var country = (Text(receiver, "country") is { Length: > 0 } c ? c : "CN").ToUpperInvariant();
                var province = Text(receiver, "province") ?? "";
                if (!carrier.Serves.Contains(country) || (!carrier.CrossBorder && carrier.Suspended.Any(p => province.StartsWith(p, StringComparison.Ordinal))))
                {
                    results.Add(new { reference, code = "A01", message = $"超区：{carrier.Name}不收寄到 {country} {province} (address not served)" });
                    continue;
                }
                if (account.Balance <= 0)
                {
                    results.Add(new { reference, code = "B01", message = "电子面单余额不足 (account out of balance)" });
                    continue;
                }
                account.Balance--;
                var issued = new IssuedWaybill(carrier.Code, account.AppKey, reference, carrier.Number(++carrier.Serial), Text(receiver, "name")!,
                    (country + " " + province).Trim(), now);
                platform.Issued[issued.TrackingNo] = issued;
                platform.ByReference[(account.AppKey, reference)] = issued;
                results.Add(new { reference, trackingNo = issued.TrackingNo });
            }
        return Results.Ok(new { success = true, results });
    }

    private static IResult Cancel(CarrierPlatform platform, CarrierAccount account, JsonElement root, DateTime now)
    {
        var trackingNo = Text(root, "trackingNo") ?? "";
        lock (platform.Gate)
        {
            if (!platform.Issued.TryGetValue(trackingNo, out var issued) || issued.AppKey != account.AppKey)
                return Fail("W04", $"运单号 {trackingNo} 不存在 (no such tracking number on this account)");
            if (issued.CancelledAt is not null) return Fail("W05", $"运单号 {trackingNo} 已取消 (already cancelled)");
            issued.CancelledAt = now;
            platform.ByReference.Remove((account.AppKey, issued.Reference));
            // A cancelled number goes back to the account's balance, as the carriers refund an unused 面单.
            account.Balance++;
        }
        return Results.Ok(new { success = true, trackingNo });
    }

    private static IResult Fail(string code, string message) => Results.Ok(new { success = false, code, message });

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
