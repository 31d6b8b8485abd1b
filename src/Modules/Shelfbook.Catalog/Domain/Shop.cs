using Shelfbook.Data.Audit;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Kernel;

namespace Shelfbook.Catalog.Domain;

public sealed record ShopInput(string? Platform, string? Code, string? Name);

/// <summary>
/// A shop (店铺): the minimal record listings are kept against — platform, code, name. It lives in the catalog
/// because the catalog is the lowest module that needs it; the Channels module adds credentials and sync settings
/// in its own table keyed by the shop's id.
/// </summary>
[Audited(AuditCategory.Product, "shop")]
public sealed class Shop
{
    public const int CodeMax = 32;

    private Shop() { }

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public ShopPlatform Platform { get; private set; }
    public string Code { get; private set; } = "";

    /// <summary>Upper-case code: unique per tenant.</summary>
    public string NormalizedCode { get; private set; } = "";

    public string Name { get; private set; } = "";
    public bool Active { get; private set; } = true;
    public DateTime CreatedAt { get; private set; }

    public static Shop Create(ShopInput input, DateTime now)
    {
        var shop = new Shop { CreatedAt = now };
        shop.Update(input);
        return shop;
    }

    public void Update(ShopInput input)
    {
        var check = new InputCheck();
        var platform = check.OneOf<ShopPlatform>("platform", input.Platform);
        if (platform is null && !check.HasErrors) check.Add("platform", "required", "platform is required.");
        var code = check.Required("code", input.Code, CodeMax);
        if (code.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))) check.Add("code", "no_spaces", "code must not contain spaces.");
        var name = check.Required("name", input.Name, 100);
        check.ThrowIfAny();
        (Platform, Code, NormalizedCode, Name) = (platform!.Value, code, Sku.Normalize(code), name);
    }

    public void SetActive(bool active) => Active = active;
}
