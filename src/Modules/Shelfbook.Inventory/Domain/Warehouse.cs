using Shelfbook.Data.Audit;
using Shelfbook.Kernel;

namespace Shelfbook.Inventory.Domain;

public enum WarehouseType
{
    /// <summary>自营仓: the seller's own staff pick and pack.</summary>
    Own,

    /// <summary>第三方仓 / 外包仓: an outsourced warehouse that ships on the seller's behalf.</summary>
    ThirdParty,

    /// <summary>供应商代发: the supplier ships from its own stock.</summary>
    SupplierDropship,

    /// <summary>虚拟仓: stock that exists only on paper (presale, virtual goods).</summary>
    Virtual,
}

/// <summary>What a user may set on a warehouse; every field arrives as typed, checked by <see cref="Warehouse"/>.</summary>
public sealed record WarehouseInput(
    string? Code, string? Name, string? Type,
    string? Country = null, string? Province = null, string? City = null, string? District = null, string? Address = null,
    string? ContactName = null, string? ContactPhone = null, bool? ShipsOrdersItself = null, bool? AllowNegativeStock = null,
    Guid? SupplierId = null);

/// <summary>A place that holds stock. Codes are unique per tenant regardless of letter case.</summary>
[Audited(AuditCategory.System, "warehouse", Ignore = [nameof(NormalizedCode), nameof(UpdatedAt)])]
public sealed class Warehouse
{
    public const int CodeMax = 32;
    public const int NameMax = 100;

    private Warehouse() { }

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public string Code { get; private set; } = "";

    /// <summary>Upper-case code: the unique key and the sort order of lists.</summary>
    public string NormalizedCode { get; private set; } = "";

    public string Name { get; private set; } = "";
    public WarehouseType Type { get; private set; }
    public string Country { get; private set; } = "CN";
    public string? Province { get; private set; }
    public string? City { get; private set; }
    public string? District { get; private set; }
    public string? Address { get; private set; }
    public string? ContactName { get; private set; }
    public string? ContactPhone { get; private set; }

    /// <summary>False where someone else packs and ships (third-party, supplier): no waves or scanning here.</summary>
    public bool ShipsOrdersItself { get; private set; }

    /// <summary>
    /// 允许负库存: outbound may take on hand below zero (a warehouse that ships before its receipts are booked).
    /// Off by default; kept as it is when an edit does not say.
    /// </summary>
    public bool AllowNegativeStock { get; private set; }

    /// <summary>
    /// 代发供应商: the supplier that ships a <see cref="WarehouseType.SupplierDropship"/> warehouse's orders (required there,
    /// none elsewhere). Its orders become dropship requests to it, and its stock passes through at the SKU's cost price.
    /// </summary>
    public Guid? SupplierId { get; private set; }

    public bool Active { get; private set; } = true;
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public static Warehouse Create(WarehouseInput input, DateTime now)
    {
        var warehouse = new Warehouse { CreatedAt = now };
        warehouse.Apply(input, now);
        return warehouse;
    }

    public void Update(WarehouseInput input, DateTime now) => Apply(input, now);

    public void Deactivate(DateTime now)
    {
        if (!Active) throw new RuleViolatedException("warehouse.already_inactive", $"Warehouse {Code} is already inactive.");
        Active = false;
        UpdatedAt = now;
    }

    public void Activate(DateTime now)
    {
        if (Active) throw new RuleViolatedException("warehouse.already_active", $"Warehouse {Code} is already active.");
        Active = true;
        UpdatedAt = now;
    }

    public static string Normalize(string code) => code.Trim().ToUpperInvariant();

    private void Apply(WarehouseInput input, DateTime now)
    {
        var check = new InputCheck();
        var code = check.Required("code", input.Code, CodeMax);
        if (code.Length > 0 && code.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            check.Add("code", "no_spaces", "code must not contain spaces.");
        var name = check.Required("name", input.Name, NameMax);
        var type = check.OneOf<WarehouseType>("type", input.Type);
        var country = (input.Country?.Trim() is { Length: > 0 } given ? given : "CN").ToUpperInvariant();
        if (country.Length != 2 || !country.All(char.IsAsciiLetter))
            check.Add("country", "invalid_country", "country must be a two-letter ISO code such as CN or US.");
        var province = check.Optional("province", input.Province, 50);
        var city = check.Optional("city", input.City, 50);
        var district = check.Optional("district", input.District, 50);
        var address = check.Optional("address", input.Address, 200);
        var contactName = check.Optional("contactName", input.ContactName, 50);
        var contactPhone = check.Optional("contactPhone", input.ContactPhone, 30);
        var shipsItself = input.ShipsOrdersItself ?? type is WarehouseType.Own;
        if (shipsItself && type is WarehouseType.ThirdParty or WarehouseType.SupplierDropship)
            check.Add("shipsOrdersItself", "ships_itself_not_allowed", "A third-party or supplier warehouse ships orders through its operator, not itself.");
        if (type is WarehouseType.SupplierDropship && input.SupplierId is null)
            check.Add("supplierId", "supplier_required", "A supplier dropship warehouse names the supplier that ships its orders.");
        check.ThrowIfAny();

        Code = code;
        NormalizedCode = Normalize(code);
        Name = name;
        Type = type!.Value;
        Country = country;
        Province = province;
        City = city;
        District = district;
        Address = address;
        ContactName = contactName;
        ContactPhone = contactPhone;
        ShipsOrdersItself = shipsItself;
        AllowNegativeStock = input.AllowNegativeStock ?? AllowNegativeStock;
        SupplierId = Type is WarehouseType.SupplierDropship ? input.SupplierId : null;
        UpdatedAt = now;
    }
}
