using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Domain;
using Shelfbook.Catalog.Features.ManageProducts;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;
using Shelfbook.Platform.Spreadsheets;

namespace Shelfbook.Catalog.Features.ImportCatalog;

/// <summary>
/// The SKUs matching a filter as a workbook in the import format, so that export → edit → import is a round trip.
/// Read a keyset page (500 SKUs) at a time with three queries a page; the rows are then written in one pass to a
/// temporary file that is streamed to the caller and deleted when closed.
/// </summary>
public sealed class ExportProducts(TenantDbContext db, ManageProducts.ManageProducts products)
{
    public async Task<Stream> ExportAsync(SkuFilter filter, CancellationToken ct)
    {
        var supplierCodes = await db.Set<Supplier>().AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Code, ct);
        var tree = new CategoryTree((await db.Set<Category>().AsNoTracking().Select(c => new { c.Id, c.ParentId, c.Name }).ToListAsync(ct))
            .Select(c => (c.Id, c.ParentId, c.Name)));
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        string? after = null;
        do
        {
            var page = await products.SearchSkusAsync(filter, new PageRequest(after, PageRequest.MaxLimit), ct);
            var ids = page.Items.Select(r => r.Id).ToList();
            var skus = await db.Set<Sku>().AsNoTracking().Include(s => s.Barcodes).Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
            var productIds = skus.Values.Select(s => s.ProductId).Distinct().ToList();
            var owners = await db.Set<Product>().AsNoTracking().Where(p => productIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
            foreach (var row in page.Items)
            {
                var sku = skus[row.Id];
                var product = owners[sku.ProductId];
                rows.Add(new Dictionary<string, object?>
                {
                    ["code"] = sku.Code, ["name"] = product.Name, ["spec"] = sku.Spec, ["barcodes"] = string.Join(",", sku.Barcodes.Select(b => b.Code).Order(StringComparer.Ordinal)),
                    ["brand"] = product.Brand, ["category"] = product.CategoryId is { } c ? tree.PathOf(c).Replace(" › ", "/", StringComparison.Ordinal) : null,
                    ["supplier"] = product.DefaultSupplierId is { } supplier ? supplierCodes.GetValueOrDefault(supplier) : null,
                    ["unit"] = product.Unit, ["weightGrams"] = sku.WeightGrams, ["lengthMm"] = sku.LengthMm, ["widthMm"] = sku.WidthMm, ["heightMm"] = sku.HeightMm,
                    ["costPrice"] = MinorUnits.ToMajor(sku.CostPrice), ["retailPrice"] = MinorUnits.ToMajor(sku.RetailPrice), ["safetyStock"] = sku.SafetyStock,
                });
            }
            after = page.Next;
        }
        while (after is not null);
        var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
        Workbooks.Write(file, ImportProducts.Columns, rows);
        file.Position = 0;
        return file;
    }
}
