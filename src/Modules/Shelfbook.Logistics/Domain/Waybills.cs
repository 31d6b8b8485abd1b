using Shelfbook.Data.Audit;

namespace Shelfbook.Logistics.Domain;

/// <summary>
/// 电子面单账号: the seller's account with a carrier's waybill API — where it answers, the key, the secret (kept
/// encrypted, never shown again) and the customer code (月结卡号) numbers are charged to. One per carrier.
/// </summary>
[Audited(AuditCategory.System, "waybill_account", Ignore = [nameof(ProtectedSecret), nameof(UpdatedAt)])]
public sealed class WaybillAccount
{
    public const int UrlMax = 300;
    public const int KeyMax = 100;

    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid CarrierId { get; set; }
    public string ApiUrl { get; set; } = "";
    public string AppKey { get; set; } = "";
    public string? ProtectedSecret { get; set; }
    public string CustomerCode { get; set; } = "";
    public bool Active { get; set; } = true;
    public DateTime UpdatedAt { get; set; }
}

/// <summary>发件人: who a warehouse's parcels come from, printed on its labels and sent with its waybill requests.</summary>
[Audited(AuditCategory.System, "sender_address", Ignore = [nameof(UpdatedAt)])]
public sealed class SenderAddress
{
    public const int NameMax = 50;
    public const int PhoneMax = 30;
    public const int AreaMax = 50;
    public const int AddressMax = 200;

    public Guid WarehouseId { get; set; }
    public string Name { get; set; } = "";
    public string Phone { get; set; } = "";
    public string Province { get; set; } = "";
    public string City { get; set; } = "";
    public string District { get; set; } = "";
    public string Address { get; set; } = "";
    public DateTime UpdatedAt { get; set; }
}
