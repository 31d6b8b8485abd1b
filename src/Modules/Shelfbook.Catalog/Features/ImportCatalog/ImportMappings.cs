using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Catalog.Domain;
using Shelfbook.Catalog.Features.ManageCombos;
using Shelfbook.Catalog.Features.MapListings;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;
using Shelfbook.Platform.Api;
using Shelfbook.Platform.Spreadsheets;

namespace Shelfbook.Catalog.Features.ImportCatalog;

/// <summary>The sheets besides products: aliases, combos and shop-listing mappings.</summary>
public enum SheetKind
{
    Aliases,
    Combos,
    Listings,
}

/// <summary>
/// Imports and exports of aliases (别名), combos (组合装, one row per component) and shop-listing mappings (店铺商品).
/// Each group of rows (an alias, a combo, a shop's listings) goes through the same handler the pages use, under
/// a savepoint: a group that fails is rolled back and its rows named; by default any failure rolls back the whole
/// import, with <c>validOnly</c> the good groups stay. Re-importing the same sheet changes nothing.
/// </summary>
public sealed partial class ImportMappings(TenantDbContext db, ManageProducts.ManageProducts products, ManageCombos.ManageCombos combos,
    MapListings.MapListings listings, ProblemResponses problems)
{
    public static IReadOnlyList<SheetColumn> ColumnsOf(SheetKind kind) => kind switch
    {
        SheetKind.Aliases => [new("sku", "商家编码", "SKU code", true), new("code", "别名", "Alias", true), new("note", "说明", "Note")],
        SheetKind.Combos =>
        [
            new("code", "组合编码", "Combo code", true), new("name", "组合名称", "Combo name", true), new("component", "子件编码", "Component code", true),
            new("quantity", "数量", "Quantity", true), new("retailPrice", "零售价(元)", "Retail price"),
        ],
        _ =>
        [
            new("shop", "店铺编码", "Shop code", true), new("platformItemId", "平台商品ID", "Platform item id", true), new("platformSkuId", "平台SKU ID", "Platform SKU id"),
            new("sellerCode", "外部商家编码", "Seller code"), new("barcode", "条码", "Barcode"), new("title", "标题", "Title"), new("spec", "规格", "Spec"), new("price", "售价(元)", "Price"),
            new("skuCode", "系统商家编码", "System SKU code"), new("multiplier", "数量倍数", "Multiplier"),
        ],
    };

    public static byte[] Template(SheetKind kind) => Workbooks.Sheet(ColumnsOf(kind), [kind switch
    {
        SheetKind.Aliases => new Dictionary<string, object?> { ["sku"] = "TEE-WHT-M", ["code"] = "OLD-TEE-WHT-M", ["note"] = "旧编码" },
        SheetKind.Combos => new Dictionary<string, object?> { ["code"] = "TEE-GIFT", ["name"] = "T恤礼盒", ["component"] = "TEE-WHT-M", ["quantity"] = 2, ["retailPrice"] = 99 },
        _ => new Dictionary<string, object?>
        {
            ["shop"] = "TMALL-1", ["platformItemId"] = "6001234567", ["platformSkuId"] = "5001", ["sellerCode"] = "TEE-WHT-M-2PK", ["title"] = "纯棉T恤 两件装",
            ["spec"] = "白色 M", ["price"] = 99, ["skuCode"] = "TEE-WHT-M", ["multiplier"] = 2,
        },
    }]);

    public async Task<ImportResult> ImportAsync(SheetKind kind, Stream xlsx, bool validOnly, CancellationToken ct)
    {
        var columns = ColumnsOf(kind);
        var rows = Workbooks.Read(xlsx, columns).ToList();
        if (rows.Count == 0) throw new InputRejectedException("file", "empty", "The workbook has no rows.");
        var errors = new List<RowError>();
        var groups = kind switch
        {
            SheetKind.Aliases => rows.Select(r => (IReadOnlyList<SheetRow>)[r]).ToList(),
            SheetKind.Combos => rows.GroupBy(r => Sku.Normalize(r.Text("code") ?? "")).Select(g => (IReadOnlyList<SheetRow>)g.ToList()).ToList(),
            _ => rows.GroupBy(r => Sku.Normalize(r.Text("shop") ?? "")).Select(g => (IReadOnlyList<SheetRow>)g.ToList()).ToList(),
        };
        int created = 0, updated = 0, unchanged = 0;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Combos may contain combos listed further down the sheet: a combo that names an unknown SKU is tried
        // again after the others, until a pass makes no progress.
        var pending = groups;
        var savepoint = 0;
        while (true)
        {
            var failures = new List<(IReadOnlyList<SheetRow> Group, List<RowError> Errors, bool Unknown)>();
            foreach (var group in pending)
            {
                var name = $"g{savepoint++}";
                await transaction.CreateSavepointAsync(name, ct);
                try
                {
                    var outcome = kind switch
                    {
                        SheetKind.Aliases => await AliasAsync(group[0], ct),
                        SheetKind.Combos => await ComboAsync(group, ct),
                        _ => await ListingsAsync(group, ct),
                    };
                    (created, updated, unchanged) = (created + outcome.Created, updated + outcome.Updated, unchanged + outcome.Unchanged);
                    await transaction.ReleaseSavepointAsync(name, ct);
                    db.ChangeTracker.Clear();
                }
                catch (InputRejectedException e)
                {
                    await transaction.RollbackToSavepointAsync(name, ct);
                    db.ChangeTracker.Clear();
                    failures.Add((group, e.Errors.Select(error => RowErrorOf(kind, group, error)).ToList(), e.Errors.Any(x => x.Code == "unknown_sku")));
                }
                catch (ShelfbookException e)
                {
                    await transaction.RollbackToSavepointAsync(name, ct);
                    db.ChangeTracker.Clear();
                    failures.Add((group, [new RowError(group[0].Number, columns[0].Chinese, "rule", problems.Describe(e))], false));
                }
            }
            var retry = kind == SheetKind.Combos && failures.Count < pending.Count ? failures.Where(f => f.Unknown).Select(f => f.Group).ToList() : [];
            if (retry.Count == 0)
            {
                errors.AddRange(failures.SelectMany(f => f.Errors));
                break;
            }
            errors.AddRange(failures.Where(f => !f.Unknown).SelectMany(f => f.Errors));
            pending = retry;
        }
        // A group goes in whole or not at all: its rows without an error of their own say so too.
        foreach (var group in groups.Where(g => g.Count > 1 && g.Any(r => errors.Any(e => e.Row == r.Number))).ToList())
            foreach (var row in group.Where(r => errors.All(e => e.Row != r.Number)))
                errors.Add(new RowError(row.Number, columns[0].Chinese, "group_not_written",
                    problems.Messages([new FieldError(columns[0].Field, "group_not_written", "Not written: another row of this group has an error.")]).Single().Value.Single()));
        var failed = errors.Select(e => e.Row).Distinct().Count();
        var written = errors.Count == 0 || validOnly;
        if (written) await transaction.CommitAsync(ct);
        else
        {
            await transaction.RollbackAsync(ct);
            (created, updated, unchanged) = (0, 0, 0);
        }
        return new ImportResult(rows.Count, created, updated, unchanged, failed, written, errors.OrderBy(e => e.Row).ToList())
        {
            ErrorWorkbook = errors.Count > 0 ? Workbooks.ErrorWorkbook(columns, rows, errors) : null,
        };
    }

    private async Task<(int Created, int Updated, int Unchanged)> AliasAsync(SheetRow row, CancellationToken ct)
    {
        var skuCode = Sku.Normalize(row.Text("sku") ?? "");
        var sku = await db.Set<CatalogCode>().Where(c => c.Value == skuCode).Select(c => (Guid?)c.SkuId).SingleOrDefaultAsync(ct)
                  ?? throw new InputRejectedException("sku", "unknown_sku", $"No SKU has the code '{row.Text("sku")}'.", row.Text("sku") ?? "");
        var alias = Sku.Normalize(row.Text("code") ?? "");
        if (await db.Set<SkuAlias>().AnyAsync(a => a.SkuId == sku && a.NormalizedCode == alias, ct)) return (0, 0, 1);
        await products.AddAliasAsync(sku, new ManageProducts.AliasInput(row.Text("code"), row.Text("note")), ct);
        return (1, 0, 0);
    }

    private async Task<(int Created, int Updated, int Unchanged)> ComboAsync(IReadOnlyList<SheetRow> rows, CancellationToken ct)
    {
        var check = new InputCheck();
        var components = rows.Select((r, i) => new ComponentInput(r.Text("component"), Workbooks.WholeNumber(r, "quantity", check, $"components[{i}].quantity") ?? 0)).ToList();
        var price = Workbooks.Money(rows[0], "retailPrice", check, "retailPrice");
        check.ThrowIfAny();
        var code = Sku.Normalize(rows[0].Text("code") ?? "");
        var existing = await db.Set<Sku>().Where(s => s.NormalizedCode == code).Select(s => new { s.Id, s.Kind }).SingleOrDefaultAsync(ct);
        if (existing is null)
        {
            await combos.CreateAsync(new ComboInput(rows[0].Text("name"), rows[0].Text("code"), components, RetailPrice: price), ct);
            return (1, 0, 0);
        }
        var current = await combos.GetAsync(existing.Id, ct);
        var sameParts = current.Components.Count == components.Count
                        && current.Components.Zip(components).All(p => Sku.Normalize(p.First.Code) == Sku.Normalize(p.Second.Code ?? "") && p.First.Quantity == p.Second.Quantity);
        var name = rows[0].Text("name");
        var sameName = name is null || name == current.Name;
        var samePrice = price is null || price == current.Sku.RetailPrice;
        if (sameParts && sameName && samePrice) return (0, 0, 1);
        if (!sameParts) await combos.SetComponentsAsync(existing.Id, new ComponentsInput(components), ct);
        if (!sameName)
        {
            var product = await products.GetAsync(current.Sku.ProductId, ct);
            await products.UpdateAsync(product.Id, new ProductInput(name, product.Brand, product.Unit, product.Notes, product.Images,
                CategoryId: product.CategoryId, DefaultSupplierId: product.DefaultSupplierId), ct);
        }
        if (!samePrice)
        {
            var sku = current.Sku;
            await products.UpdateSkuAsync(sku.Id, new SkuInput(sku.Code, sku.Spec, sku.Barcodes, sku.WeightGrams, sku.LengthMm, sku.WidthMm, sku.HeightMm,
                sku.CostPrice, price, sku.SafetyStock), ct);
        }
        return (0, 1, 0);
    }

    private async Task<(int Created, int Updated, int Unchanged)> ListingsAsync(IReadOnlyList<SheetRow> rows, CancellationToken ct)
    {
        var shopCode = Sku.Normalize(rows[0].Text("shop") ?? "");
        var shop = await db.Set<Shop>().Where(s => s.NormalizedCode == shopCode).Select(s => (Guid?)s.Id).SingleOrDefaultAsync(ct)
                   ?? throw new InputRejectedException("shop", "unknown_shop", $"No shop has the code '{rows[0].Text("shop")}'.", rows[0].Text("shop") ?? "");
        var check = new InputCheck();
        // A blank cell keeps what the listing has (the platform's description is the Channels module's to refresh).
        var known = (await db.Set<ShopListing>().AsNoTracking().Where(l => l.ShopId == shop).ToListAsync(ct)).ToDictionary(l => (l.PlatformItemId, l.PlatformSkuId));
        var inputs = rows.Select((r, i) =>
        {
            var stored = known.GetValueOrDefault((r.Text("platformItemId") ?? "", r.Text("platformSkuId") ?? ""));
            return new ListingInput(r.Text("platformItemId"), r.Text("platformSkuId"), r.Text("sellerCode") ?? stored?.SellerCode, r.Text("title") ?? stored?.Title,
                r.Text("spec") ?? stored?.Spec, Workbooks.Money(r, "price", check, $"listings[{i}].price") ?? stored?.Price, r.Text("barcode") ?? stored?.Barcode);
        }).ToList();
        var multipliers = rows.Select((r, i) => Workbooks.WholeNumber(r, "multiplier", check, $"items[{i}].multiplier")).ToList();
        check.ThrowIfAny();
        var stored = await listings.StoreAsync(shop, new ListingsBatch(inputs), ct);
        var ids = await db.Set<ShopListing>().AsNoTracking().Where(l => l.ShopId == shop).Select(l => new { l.Id, l.PlatformItemId, l.PlatformSkuId, l.SkuId, l.Multiplier, l.Match })
            .ToListAsync(ct);
        var items = new List<MapItem>();
        var mapped = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Text("skuCode") is not { } skuCode) { items.Add(new MapItem(Guid.Empty, null, null)); continue; }
            var listing = ids.Single(l => l.PlatformItemId == inputs[i].PlatformItemId && l.PlatformSkuId == (inputs[i].PlatformSkuId ?? ""));
            items.Add(new MapItem(listing.Id, skuCode, multipliers[i] ?? 1));
            mapped++;
        }
        // Only rows that name a SKU are mapped; their indexes stay the rows' (items[i] is row i) for error naming.
        var toMap = items.Select((item, i) => (item, i)).Where(x => x.item.ListingId != Guid.Empty).ToList();
        if (toMap.Count > 0)
        {
            try
            {
                await listings.MapAsync(new MapRequest(toMap.Select(x => x.item).ToList()), ct);
            }
            catch (InputRejectedException e)
            {
                throw new InputRejectedException(e.Errors.Select(err => err with { Field = Renumber(err.Field, toMap.Select(x => x.i).ToList()) }).ToList());
            }
        }
        return (stored.Created, stored.Updated, 0);
    }

    private static string Renumber(string field, List<int> rowOfItem)
    {
        var match = ItemIndex().Match(field);
        return match.Success && int.TryParse(match.Groups[1].Value, out var i) && i < rowOfItem.Count
            ? $"items[{rowOfItem[i]}]{field[match.Length..]}" : field;
    }

    /// <summary>A handler's field ("components[2].code", "listings[0].price", "items[1].skuCode", "code") → the row and column it means.</summary>
    private RowError RowErrorOf(SheetKind kind, IReadOnlyList<SheetRow> group, FieldError error)
    {
        var columns = ColumnsOf(kind);
        var match = IndexedField().Match(error.Field);
        var row = match.Success && int.TryParse(match.Groups[2].Value, out var i) && i < group.Count ? group[i] : group[0];
        var field = match.Success ? match.Groups[3].Value.TrimStart('.') : error.Field;
        var column = (kind, match.Success ? match.Groups[1].Value : "", field) switch
        {
            (SheetKind.Combos, "components", "code") => "component",
            (SheetKind.Combos, "components", _) => "quantity",
            (SheetKind.Listings, "items", "skuCode" or "listingId") => "skuCode",
            (SheetKind.Listings, "items", "multiplier") => "multiplier",
            (SheetKind.Aliases, _, "code" or "note") => field,
            (_, _, var f) => f,
        };
        var text = problems.Messages([error]).Single().Value.Single();
        return new RowError(row.Number, columns.FirstOrDefault(c => c.Field == column)?.Chinese ?? column, error.Code, text);
    }

    [GeneratedRegex(@"^items\[(\d+)\]")]
    private static partial Regex ItemIndex();

    [GeneratedRegex(@"^(\w+)\[(\d+)\](.*)$")]
    private static partial Regex IndexedField();

    /// <summary>Everything of a kind, in the import format: importing the export again changes nothing.</summary>
    public async Task<byte[]> ExportAsync(SheetKind kind, CancellationToken ct)
    {
        var columns = ColumnsOf(kind);
        IEnumerable<IReadOnlyDictionary<string, object?>> rows = kind switch
        {
            SheetKind.Aliases => (await db.Set<SkuAlias>().AsNoTracking().Join(db.Set<Sku>(), a => a.SkuId, s => s.Id, (a, s) => new { Sku = s.Code, a.Code, a.Note, a.NormalizedCode })
                    .OrderBy(x => x.NormalizedCode).ToListAsync(ct))
                .Select(x => new Dictionary<string, object?> { ["sku"] = x.Sku, ["code"] = x.Code, ["note"] = x.Note }),
            SheetKind.Combos => (await db.Set<ComboComponent>().AsNoTracking()
                    .Join(db.Set<Sku>(), c => c.ComboSkuId, s => s.Id, (c, combo) => new { c, combo })
                    .Join(db.Set<Sku>(), x => x.c.ComponentSkuId, s => s.Id, (x, part) => new { x.c, x.combo, part })
                    .Join(db.Set<Product>(), x => x.combo.ProductId, p => p.Id, (x, p) => new { Combo = x.combo.Code, x.combo.NormalizedCode, Name = p.Name, x.combo.RetailPrice, Part = x.part.Code, x.c.Quantity, x.c.Line })
                    .ToListAsync(ct))
                .OrderBy(x => x.NormalizedCode, StringComparer.Ordinal).ThenBy(x => x.Line)
                .Select(x => new Dictionary<string, object?> { ["code"] = x.Combo, ["name"] = x.Name, ["component"] = x.Part, ["quantity"] = x.Quantity, ["retailPrice"] = MinorUnits.ToMajor(x.RetailPrice) }),
            _ => (await db.Set<ShopListing>().AsNoTracking().Join(db.Set<Shop>(), l => l.ShopId, s => s.Id, (l, s) => new { l, Shop = s.Code })
                    .GroupJoin(db.Set<Sku>(), x => x.l.SkuId, s => s.Id, (x, s) => new { x, s }).SelectMany(y => y.s.DefaultIfEmpty(), (y, s) => new { y.x.l, y.x.Shop, Sku = s == null ? null : s.Code })
                    .ToListAsync(ct))
                .OrderBy(x => x.Shop, StringComparer.Ordinal).ThenBy(x => x.l.PlatformItemId, StringComparer.Ordinal).ThenBy(x => x.l.PlatformSkuId, StringComparer.Ordinal)
                .Select(x => new Dictionary<string, object?>
                {
                    ["shop"] = x.Shop, ["platformItemId"] = x.l.PlatformItemId, ["platformSkuId"] = x.l.PlatformSkuId, ["sellerCode"] = x.l.SellerCode,
                    ["barcode"] = x.l.Barcode, ["title"] = x.l.Title,
                    ["spec"] = x.l.Spec, ["price"] = MinorUnits.ToMajor(x.l.Price), ["skuCode"] = x.l.Match == ListingMatch.Confirmed ? x.Sku : null,
                    ["multiplier"] = x.l.Match == ListingMatch.Confirmed ? x.l.Multiplier : null,
                }),
        };
        return Workbooks.Sheet(columns, rows.ToList());
    }
}
