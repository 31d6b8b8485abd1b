using Shelfbook.Data.Audit;
using Shelfbook.Kernel;

namespace Shelfbook.Catalog.Domain;

/// <summary>What a user may set on one SKU of a product; money in minor units (分).</summary>
public sealed record SkuInput(
    string? Code, string? Spec = null, IReadOnlyList<string>? Barcodes = null, int? WeightGrams = null,
    int? LengthMm = null, int? WidthMm = null, int? HeightMm = null, long? CostPrice = null, long? RetailPrice = null,
    int? SafetyStock = null);

/// <summary>What a user may set on a product (货品) and, when creating it, its SKUs.</summary>
public sealed record ProductInput(
    string? Name, string? Brand = null, string? Unit = null, string? Notes = null, IReadOnlyList<string>? Images = null,
    IReadOnlyList<SkuInput>? Skus = null, Guid? CategoryId = null, Guid? DefaultSupplierId = null);

/// <summary>A product (SPU, 货品): the thing a seller sells, in one or more variants (SKUs).</summary>
[Audited(AuditCategory.Product, "product", Ignore = [nameof(UpdatedAt)])]
public sealed class Product
{
    public const int NameMax = 200;

    private readonly List<Sku> _skus = [];

    private Product() { }

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public string Name { get; private set; } = "";
    public string? Brand { get; private set; }
    public Guid? CategoryId { get; private set; }

    /// <summary>Where the product is usually bought (默认供应商): what purchase suggestions start from.</summary>
    public Guid? DefaultSupplierId { get; private set; }

    public string Unit { get; private set; } = "件";
    public string? Notes { get; private set; }
    public List<string> Images { get; private set; } = [];
    public bool Active { get; private set; } = true;
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public IReadOnlyList<Sku> Skus => _skus;

    /// <summary>A new product with at least one SKU; every field of every SKU is checked before anything is kept.</summary>
    public static Product Create(ProductInput input, DateTime now)
    {
        var check = new InputCheck();
        var product = new Product { CreatedAt = now };
        product.Apply(input, check, now);
        var skus = input.Skus ?? [];
        if (skus.Count == 0) check.Add("skus", "required", "A product needs at least one SKU.");
        for (var i = 0; i < skus.Count; i++)
        {
            if (skus[i] is null)
            {
                check.Add($"skus[{i}]", "required", $"skus[{i}] is empty.");
                continue;
            }
            product._skus.Add(Sku.Create(product.Id, skus[i], $"skus[{i}]", check, now));
        }
        var duplicates = product._skus.GroupBy(s => s.NormalizedCode).Where(g => g.Key.Length > 0 && g.Count() > 1).Select(g => g.Key);
        foreach (var code in duplicates)
            check.Add("skus", "duplicate", $"SKU code '{code}' appears twice in this product.", code);
        // One meaning per value inside the product too: a barcode may not be (in any case) a sibling's code or barcode.
        var owner = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < product._skus.Count; i++) owner.TryAdd(product._skus[i].NormalizedCode, i);
        for (var i = 0; i < product._skus.Count; i++)
            for (var j = 0; j < product._skus[i].Barcodes.Count; j++)
            {
                var barcode = product._skus[i].Barcodes[j].Code;
                if (owner.TryGetValue(Sku.Normalize(barcode), out var other) && other != i)
                    check.Add($"skus[{i}].barcodes[{j}]", "duplicate_barcode", $"Barcode '{barcode}' appears twice in this product.", barcode);
                else owner[Sku.Normalize(barcode)] = i;
            }
        check.ThrowIfAny();
        return product;
    }

    public void Update(ProductInput input, DateTime now)
    {
        var check = new InputCheck();
        Apply(input, check, now);
        check.ThrowIfAny();
    }

    public Sku AddSku(SkuInput input, DateTime now)
    {
        var check = new InputCheck();
        var sku = Sku.Create(Id, input, "", check, now);
        check.ThrowIfAny();
        _skus.Add(sku);
        UpdatedAt = now;
        return sku;
    }

    private void Apply(ProductInput input, InputCheck check, DateTime now)
    {
        var name = check.Required("name", input.Name, NameMax);
        var brand = check.Optional("brand", input.Brand, 50);
        var unit = check.Optional("unit", input.Unit, 10) ?? "件";
        var notes = check.Optional("notes", input.Notes, 1000);
        var images = new List<string>();
        foreach (var (url, i) in (input.Images ?? []).Select((u, i) => (u?.Trim() ?? "", i)))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || url.Length > 500)
                check.Add($"images[{i}]", "invalid_url", $"images[{i}] must be an http or https address.");
            else images.Add(url);
        }
        (Name, Brand, Unit, Notes, Images, CategoryId, DefaultSupplierId, UpdatedAt) = (name, brand, unit, notes, images, input.CategoryId, input.DefaultSupplierId, now);
    }
}

/// <summary>One variant of a product (e.g. red, size M), with its seller code (商家编码) and barcodes.</summary>
[Audited(AuditCategory.Product, "sku", Ignore = [nameof(NormalizedCode), nameof(UpdatedAt)])]
public sealed class Sku
{
    public const int CodeMax = 64;

    private readonly List<SkuBarcode> _barcodes = [];
    private readonly List<SkuAlias> _aliases = [];
    private readonly List<CatalogCode> _codes = [];
    private readonly List<ComboComponent> _components = [];

    private Sku() { }

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public Guid ProductId { get; private set; }
    public string Code { get; private set; } = "";

    /// <summary>A combo (组合装) is made of other SKUs and has no stock of its own.</summary>
    public SkuKind Kind { get; private set; } = SkuKind.Plain;

    /// <summary>Upper-case code: unique per tenant and the key of code search.</summary>
    public string NormalizedCode { get; private set; } = "";

    public string? Spec { get; private set; }
    public int WeightGrams { get; private set; }
    public int LengthMm { get; private set; }
    public int WidthMm { get; private set; }
    public int HeightMm { get; private set; }
    public long CostPrice { get; private set; }
    public long RetailPrice { get; private set; }
    public string Currency { get; private set; } = "CNY";
    public int SafetyStock { get; private set; }
    public bool Active { get; private set; } = true;
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public IReadOnlyList<SkuBarcode> Barcodes => _barcodes;
    public IReadOnlyList<SkuAlias> Aliases => _aliases;

    /// <summary>Every value that means this SKU (its code, aliases and barcodes), one row each in <c>catalog_codes</c>.</summary>
    public IReadOnlyList<CatalogCode> Codes => _codes;

    public IReadOnlyList<ComboComponent> Components => _components;

    public static string Normalize(string code) => code.Trim().ToUpperInvariant();

    /// <summary>
    /// Makes this SKU a combo of <paramref name="parts"/> (component SKU, quantity, the field that named it), or
    /// changes its components. <paramref name="graph"/> holds every combo reachable from the parts, so a change that
    /// would make the combo contain itself, nest deeper than <see cref="ComboGraph.MaxDepth"/> or use an inactive
    /// SKU is refused with the field of the offending line. Only a SKU created as a combo (<paramref name="newCombo"/>)
    /// becomes one: an ordinary SKU has stock and history that a combo cannot have.
    /// </summary>
    /// <param name="check">Errors the caller found already (say, lines naming unknown codes), reported with these.</param>
    /// <param name="levelsAbove">How many combos contain this one (each adds a level on top).</param>
    public void SetComponents(
        IReadOnlyList<(Sku Component, int Quantity, string Field)> parts, ComboGraph graph, DateTime now, bool newCombo = false, InputCheck? check = null,
        int levelsAbove = 0)
    {
        check ??= new InputCheck();
        if (Kind == SkuKind.Plain && !newCombo)
            check.Add("components", "not_a_combo", $"{Code} is an ordinary SKU; create a combo instead.", Code);
        if (parts.Count == 0 && !check.HasErrors) check.Add("components", "required", "A combo needs at least one component.");
        foreach (var (component, quantity, field) in parts)
        {
            if (quantity is < 1 or > ComboComponent.MaxQuantity)
                check.Add($"{field}.quantity", "out_of_range", $"quantity must be 1–{ComboComponent.MaxQuantity}.", 1, ComboComponent.MaxQuantity);
            if (component.Id == Id || graph.Reaches(component.Id, Id))
                check.Add($"{field}.code", "cycle", $"{component.Code} contains {Code}: a combo cannot contain itself.", component.Code, Code);
            else if (graph.Depth(component.Id) + 1 + levelsAbove > ComboGraph.MaxDepth)
                check.Add($"{field}.code", "too_deep", $"Combos nest at most {ComboGraph.MaxDepth} levels.", ComboGraph.MaxDepth);
            if (!component.Active)
                check.Add($"{field}.code", "inactive_component", $"{component.Code} is inactive.", component.Code);
        }
        foreach (var twice in parts.GroupBy(p => p.Component.Id).Where(g => g.Count() > 1))
            check.Add(twice.Last().Field + ".code", "duplicate_component", $"{twice.First().Component.Code} is listed twice.", twice.First().Component.Code);
        check.ThrowIfAny();
        Kind = SkuKind.Combo;
        _components.RemoveAll(c => parts.All(p => p.Component.Id != c.ComponentSkuId));
        for (var i = 0; i < parts.Count; i++)
        {
            var (component, quantity, _) = parts[i];
            if (_components.SingleOrDefault(c => c.ComponentSkuId == component.Id) is { } line) (line.Quantity, line.Line) = (quantity, i);
            else _components.Add(new ComboComponent(Id, component.Id, quantity, i));
        }
        UpdatedAt = now;
    }

    /// <summary>Adds an alias (SKU别名). Clashes with other SKUs are found by the registry of codes.</summary>
    public SkuAlias AddAlias(string? code, string? note, DateTime now)
    {
        var alias = SkuAlias.Create(Id, code, note, now);
        if (alias.NormalizedCode == NormalizedCode)
            throw new InputRejectedException("code", "alias_is_sku_code", $"'{alias.Code}' is already a SKU code.", alias.Code);
        if (_aliases.Any(a => a.NormalizedCode == alias.NormalizedCode))
            throw new InputRejectedException("code", "duplicate", $"The alias '{alias.Code}' already exists.", alias.Code);
        _aliases.Add(alias);
        SyncCodes();
        UpdatedAt = now;
        return alias;
    }

    public void RemoveAlias(string code, DateTime now)
    {
        var normalized = Normalize(code);
        var alias = _aliases.SingleOrDefault(a => a.NormalizedCode == normalized) ?? throw new NotFoundException("sku_alias", code);
        _aliases.Remove(alias);
        SyncCodes();
        UpdatedAt = now;
    }

    /// <summary>
    /// Keeps this SKU's rows of the code registry equal to its code, aliases and barcodes (upper-cased). A value that
    /// is both, say, this SKU's barcode and its alias is one row; the kind names the strongest meaning.
    /// </summary>
    private void SyncCodes()
    {
        var wanted = new Dictionary<string, CodeKind>(StringComparer.Ordinal) { [NormalizedCode] = CodeKind.Code };
        foreach (var alias in _aliases) wanted.TryAdd(alias.NormalizedCode, CodeKind.Alias);
        foreach (var barcode in _barcodes) wanted.TryAdd(Normalize(barcode.Code), CodeKind.Barcode);
        _codes.RemoveAll(c => !wanted.ContainsKey(c.Value));
        foreach (var code in _codes) code.Kind = wanted[code.Value];
        foreach (var (value, kind) in wanted.Where(w => _codes.All(c => c.Value != w.Key)))
            _codes.Add(new CatalogCode(value, Id, kind));
    }

    internal static Sku Create(Guid productId, SkuInput input, string prefix, InputCheck check, DateTime now)
    {
        var sku = new Sku { ProductId = productId, CreatedAt = now };
        sku.Apply(input, prefix, check, now);
        return sku;
    }

    public void Update(SkuInput input, DateTime now)
    {
        var check = new InputCheck();
        Apply(input, "", check, now);
        check.ThrowIfAny();
    }

    public void SetActive(bool active, DateTime now)
    {
        if (Active == active)
            throw new RuleViolatedException(active ? "catalog.sku_already_active" : "catalog.sku_already_inactive",
                $"SKU {Code} is already {(active ? "active" : "inactive")}.", Code);
        Active = active;
        UpdatedAt = now;
    }

    private void Apply(SkuInput input, string prefix, InputCheck check, DateTime now)
    {
        string F(string field) => prefix.Length == 0 ? field : $"{prefix}.{field}";
        var code = check.Required(F("code"), input.Code, CodeMax);
        if (code.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))) check.Add(F("code"), "no_spaces", "code must not contain spaces.");
        var spec = check.Optional(F("spec"), input.Spec, 200);
        int NonNegative(string field, int? value)
        {
            if (value is < 0) check.Add(F(field), "negative", $"{field} must not be negative.");
            return Math.Max(value ?? 0, 0);
        }
        long Money(string field, long? value)
        {
            if (value is < 0) check.Add(F(field), "negative", $"{field} must not be negative.");
            return Math.Max(value ?? 0, 0);
        }
        var barcodes = new List<string>();
        foreach (var (raw, i) in (input.Barcodes ?? []).Select((b, i) => (b?.Trim() ?? "", i)))
        {
            // ',' and ';' separate barcodes in a sheet cell, so they cannot be inside one.
            if (raw.Length is 0 or > 64 || raw.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is ',' or ';' or '，' or '；'))
                check.Add(F($"barcodes[{i}]"), "invalid_barcode", $"barcodes[{i}] must be 1–64 characters without spaces.");
            else if (!barcodes.Contains(raw, StringComparer.Ordinal)) barcodes.Add(raw);
            else check.Add(F($"barcodes[{i}]"), "duplicate_barcode", $"Barcode '{raw}' is listed twice.", raw);
        }

        Code = code;
        NormalizedCode = Normalize(code);
        Spec = spec;
        WeightGrams = NonNegative("weightGrams", input.WeightGrams);
        LengthMm = NonNegative("lengthMm", input.LengthMm);
        WidthMm = NonNegative("widthMm", input.WidthMm);
        HeightMm = NonNegative("heightMm", input.HeightMm);
        CostPrice = Money("costPrice", input.CostPrice);
        RetailPrice = Money("retailPrice", input.RetailPrice);
        SafetyStock = NonNegative("safetyStock", input.SafetyStock);
        _barcodes.RemoveAll(b => !barcodes.Contains(b.Code, StringComparer.Ordinal));
        foreach (var barcode in barcodes.Where(b => _barcodes.All(x => x.Code != b)))
            _barcodes.Add(new SkuBarcode(Id, barcode));
        // In the order given, so that an error about barcodes[j] names the j the caller sent.
        _barcodes.Sort((a, b) => barcodes.IndexOf(a.Code).CompareTo(barcodes.IndexOf(b.Code)));
        if (_aliases.Any(a => a.NormalizedCode == NormalizedCode))
            check.Add(F("code"), "code_is_alias", $"'{code}' is already an alias of this SKU.", code);
        SyncCodes();
        UpdatedAt = now;
    }
}

/// <summary>A barcode of a SKU (a SKU may have several: the maker's, the shop's, an old one); unique per tenant.</summary>
[Audited(AuditCategory.Product, "sku_barcode")]
public sealed class SkuBarcode(Guid skuId, string code)
{
    public Guid SkuId { get; private set; } = skuId;
    public string Code { get; private set; } = code;
}

/// <summary>
/// Another code that means this SKU (SKU别名): an old code, a supplier's code, another shop's seller code. Unique per
/// tenant (case-insensitive) and never equal to any SKU's own code, so a code always resolves to one SKU.
/// </summary>
[Audited(AuditCategory.Product, "sku_alias")]
public sealed class SkuAlias
{
    public const int CodeMax = Sku.CodeMax;

    private SkuAlias() { }

    public Guid SkuId { get; private set; }
    public string Code { get; private set; } = "";

    /// <summary>Upper-case alias: the key.</summary>
    public string NormalizedCode { get; private set; } = "";

    public string? Note { get; private set; }
    public DateTime CreatedAt { get; private set; }

    internal static SkuAlias Create(Guid skuId, string? code, string? note, DateTime now)
    {
        var check = new InputCheck();
        var value = check.Required("code", code, CodeMax);
        if (value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))) check.Add("code", "no_spaces", "code must not contain spaces.");
        var trimmedNote = check.Optional("note", note, 200);
        check.ThrowIfAny();
        return new SkuAlias { SkuId = skuId, Code = value, NormalizedCode = Sku.Normalize(value), Note = trimmedNote, CreatedAt = now };
    }
}

public enum CodeKind
{
    Code,
    Alias,
    Barcode,
}

/// <summary>
/// The registry of codes (编码登记): one row for every value that names a SKU — its code, each alias, each barcode —
/// upper-cased, with the value as the primary key. It is what makes "a code resolves to exactly one SKU" hold under
/// concurrent edits (the database refuses a second owner), and it is the one index that resolution, auto-matching
/// and prefix search read. Rows are kept by <see cref="Sku"/>; they are derived, so not audited themselves.
/// </summary>
public sealed class CatalogCode(string value, Guid skuId, CodeKind kind)
{
    /// <summary>The separators <see cref="Compact"/> drops (the migration backfills with the same list).</summary>
    public const string Separators = " -_./\\*#+()[]";

    public string Value { get; private set; } = value;

    /// <summary>
    /// The value without separators ("RED-2PK" → "RED2PK"): not unique, indexed, and the key of the "same code
    /// written differently" suggestion for unmatched listings.
    /// </summary>
    public string Compact { get; private set; } = CompactOf(value);

    public Guid SkuId { get; private set; } = skuId;
    public CodeKind Kind { get; internal set; } = kind;

    public static string CompactOf(string normalized) => string.Concat(normalized.Where(c => !Separators.Contains(c, StringComparison.Ordinal)));
}
