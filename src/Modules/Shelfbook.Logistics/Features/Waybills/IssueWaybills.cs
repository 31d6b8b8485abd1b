// MD5 is what the carriers' data digests prescribe (Base64 of MD5 over the body and the secret).
#pragma warning disable CA5351
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Tenancy;
using Shelfbook.Logistics.Contracts;
using Shelfbook.Logistics.Domain;

namespace Shelfbook.Logistics.Features.Waybills;

/// <summary>
/// 电子面单 through the carriers' waybill APIs. The protocol spoken is the one <c>Shelfbook.Sandbox</c> plays for its
/// three carriers (JSON posted to the account's address, <c>x-app-key</c> and <c>x-data-digest</c> = Base64(MD5(body +
/// secret)), the shape of 中通's and 丰桥's digests); a real carrier whose API differs gets its own client behind the
/// same contract. Parcels go in batches of up to 100 per carrier and warehouse (one sender per request).
/// </summary>
public sealed class IssueWaybills(TenantDbContext db, WaybillSecrets secrets, IHttpClientFactory http) : IIssueWaybills
{
    public const int Batch = 100;

    public async Task<IReadOnlyList<WaybillResult>> IssueAsync(IReadOnlyList<WaybillRequest> requests, CancellationToken ct)
    {
        var results = new WaybillResult[requests.Count];
        var accounts = await AccountsAsync(requests.Select(r => r.CarrierCode).Distinct(StringComparer.OrdinalIgnoreCase).ToList(), ct);
        var senders = await SendersAsync(requests.Select(r => r.WarehouseId).Distinct().ToList(), ct);
        var groups = requests.Select((r, i) => (Request: r, Index: i)).GroupBy(x => (Carrier: x.Request.CarrierCode.ToUpperInvariant(), x.Request.WarehouseId));
        foreach (var group in groups)
        {
            if (!accounts.TryGetValue(group.Key.Carrier, out var account))
            {
                foreach (var x in group)
                    results[x.Index] = new WaybillResult(x.Request.Reference, null, "waybill.no_account", $"{x.Request.CarrierCode} has no active 电子面单 account.");
                continue;
            }
            if (!senders.TryGetValue(group.Key.WarehouseId, out var sender))
            {
                foreach (var x in group)
                    results[x.Index] = new WaybillResult(x.Request.Reference, null, "waybill.no_sender", "The warehouse has no sender address.");
                continue;
            }
            foreach (var batch in group.Chunk(Batch))
            {
                var answers = await CreateAsync(account, sender, batch.Select(b => b.Request).ToList(), ct);
                for (var i = 0; i < batch.Length; i++) results[batch[i].Index] = answers[i];
            }
        }
        return results;
    }

    public async Task<WaybillCancelResult> CancelAsync(string carrierCode, string trackingNo, CancellationToken ct)
    {
        var accounts = await AccountsAsync([carrierCode], ct);
        if (!accounts.TryGetValue(carrierCode.ToUpperInvariant(), out var account))
            return new WaybillCancelResult(false, "waybill.no_account", $"{carrierCode} has no active 电子面单 account.");
        var (answer, failure) = await CallAsync(account, new { method = "waybill.cancel", trackingNo }, ct);
        if (failure is not null) return new WaybillCancelResult(false, "waybill.unreachable", failure);
        if (Success(answer!.Value) is not { } success) return new WaybillCancelResult(false, "waybill.unreachable", $"{account.CarrierCode} answered in a shape it does not use.");
        if (success) return new WaybillCancelResult(true);
        var code = Text(answer.Value, "code");
        // W05: the carrier cancelled it before (an earlier cancel whose answer was lost).
        return code == "W05" ? new WaybillCancelResult(true) : new WaybillCancelResult(false, "waybill.refused", $"{code}: {Text(answer.Value, "message")}");
    }

    public async Task<IReadOnlyDictionary<Guid, SenderInfo>> SendersAsync(IReadOnlyCollection<Guid> warehouseIds, CancellationToken ct) =>
        await db.Set<SenderAddress>().AsNoTracking().Where(s => warehouseIds.Contains(s.WarehouseId))
            .Select(s => new SenderInfo(s.WarehouseId, s.Name, s.Phone, s.Province, s.City, s.District, s.Address))
            .ToDictionaryAsync(s => s.WarehouseId, ct);

    private sealed record OpenAccount(string CarrierCode, string ApiUrl, string AppKey, string Secret, string CustomerCode);

    private async Task<Dictionary<string, OpenAccount>> AccountsAsync(IReadOnlyCollection<string> carrierCodes, CancellationToken ct)
    {
        var normalized = carrierCodes.Select(c => c.ToUpperInvariant()).ToList();
        var rows = await (from a in db.Set<WaybillAccount>().AsNoTracking()
                          join c in db.Set<Carrier>().AsNoTracking() on a.CarrierId equals c.Id
                          where a.Active && normalized.Contains(c.NormalizedCode)
                          select new { a.Id, c.NormalizedCode, a.ApiUrl, a.AppKey, a.ProtectedSecret, a.CustomerCode }).ToListAsync(ct);
        var open = new Dictionary<string, OpenAccount>(StringComparer.Ordinal);
        foreach (var row in rows)
            if (secrets.Read(row.Id, row.ProtectedSecret) is { } secret)
                open[row.NormalizedCode] = new OpenAccount(row.NormalizedCode, row.ApiUrl, row.AppKey, secret, row.CustomerCode);
        return open;
    }

    private async Task<WaybillResult[]> CreateAsync(OpenAccount account, SenderInfo sender, IReadOnlyList<WaybillRequest> batch, CancellationToken ct)
    {
        var body = new
        {
            method = "waybill.create",
            customerCode = account.CustomerCode,
            sender = new { name = sender.Name, phone = sender.Phone, province = sender.Province, city = sender.City, district = sender.District, address = sender.Address },
            parcels = batch.Select(r => new
            {
                reference = r.Reference, service = r.ServiceCode, weightGrams = r.WeightGrams, goods = r.Goods,
                receiver = new
                {
                    name = r.Receiver.Name, phone = r.Receiver.Phone, country = r.Receiver.Country, province = r.Receiver.Province, city = r.Receiver.City,
                    district = r.Receiver.District, address = r.Receiver.Address,
                },
            }),
        };
        var (answer, failure) = await CallAsync(account, body, ct);
        if (failure is not null) return batch.Select(r => new WaybillResult(r.Reference, null, "waybill.unreachable", failure)).ToArray();
        var root = answer!.Value;
        if (Success(root) is not { } success) return Unshaped(account, batch);
        if (!success)
        {
            var message = $"{Text(root, "code")}: {Text(root, "message")}";
            return batch.Select(r => new WaybillResult(r.Reference, null, "waybill.refused", message, Text(root, "code"))).ToArray();
        }
        if (!root.TryGetProperty("results", out var list) || list.ValueKind != JsonValueKind.Array) return Unshaped(account, batch);
        var byReference = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var item in list.EnumerateArray())
            if (Text(item, "reference") is { } reference) byReference[reference] = item;
        return batch.Select(r =>
        {
            if (!byReference.TryGetValue(r.Reference, out var item))
                return new WaybillResult(r.Reference, null, "waybill.unreachable", "The carrier's answer left this parcel out; ask again.");
            return Text(item, "trackingNo") is { Length: > 0 } number
                ? new WaybillResult(r.Reference, number)
                : new WaybillResult(r.Reference, null, "waybill.refused", $"{Text(item, "code")}: {Text(item, "message")}", Text(item, "code"));
        }).ToArray();
    }

    /// <summary>Posts a signed call; a failure to get a JSON answer comes back as its reason (network, timeout, HTTP status, not JSON).</summary>
    private async Task<(JsonElement? Answer, string? Failure)> CallAsync(OpenAccount account, object body, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, account.ApiUrl) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("x-app-key", account.AppKey);
        request.Headers.Add("x-data-digest", Digest(json, account.Secret));
        try
        {
            using var response = await http.CreateClient(LogisticsModule.HttpClientName).SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode) return (null, $"{account.CarrierCode} answered HTTP {(int)response.StatusCode}.");
            using var document = JsonDocument.Parse(text);
            return (document.RootElement.Clone(), null);
        }
        catch (HttpRequestException e)
        {
            return (null, $"{account.CarrierCode} could not be reached: {e.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, $"{account.CarrierCode} did not answer in time.");
        }
        catch (JsonException)
        {
            return (null, $"{account.CarrierCode} answered with something that is not JSON.");
        }
    }

    private static WaybillResult[] Unshaped(OpenAccount account, IReadOnlyList<WaybillRequest> batch) =>
        batch.Select(r => new WaybillResult(r.Reference, null, "waybill.unreachable", $"{account.CarrierCode} answered in a shape it does not use; ask again.")).ToArray();

    /// <summary>The envelope's <c>success</c>, or null when the answer has none (not this protocol's shape).</summary>
    private static bool? Success(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("success", out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean() : null;

    public static string Digest(string body, string secret) => Convert.ToBase64String(MD5.HashData(Encoding.UTF8.GetBytes(body + secret)));

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
