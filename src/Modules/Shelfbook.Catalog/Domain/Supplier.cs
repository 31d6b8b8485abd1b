using Shelfbook.Data.Audit;
using Shelfbook.Kernel;

namespace Shelfbook.Catalog.Domain;

public sealed record SupplierInput(string? Code, string? Name, string? Contact = null, string? Phone = null, bool? Active = null);

/// <summary>
/// A supplier (供应商): the minimal record a product names as its default source. It lives in the catalog, the lowest
/// module that needs it; the Purchasing module builds purchase orders, prices and lead times on it.
/// </summary>
[Audited(AuditCategory.Product, "supplier", Ignore = [nameof(NormalizedCode)])]
public sealed class Supplier
{
    public const int CodeMax = 32;

    private Supplier() { }

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public string Code { get; private set; } = "";
    public string NormalizedCode { get; private set; } = "";
    public string Name { get; private set; } = "";
    public string? Contact { get; private set; }
    public string? Phone { get; private set; }
    public bool Active { get; private set; } = true;

    public static Supplier Create(SupplierInput input)
    {
        var supplier = new Supplier();
        supplier.Update(input);
        return supplier;
    }

    public void Update(SupplierInput input)
    {
        var check = new InputCheck();
        var code = check.Required("code", input.Code, CodeMax);
        if (code.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))) check.Add("code", "no_spaces", "code must not contain spaces.");
        var name = check.Required("name", input.Name, 100);
        var contact = check.Optional("contact", input.Contact, 50);
        var phone = check.Optional("phone", input.Phone, 30);
        check.ThrowIfAny();
        (Code, NormalizedCode, Name, Contact, Phone, Active) = (code, Sku.Normalize(code), name, contact, phone, input.Active ?? Active);
    }
}
