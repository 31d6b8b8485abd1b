using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Data.Tenancy;
using Shelfbook.Fulfillment.Domain;
using Shelfbook.Inventory.Contracts;
using Shelfbook.Kernel;
using Shelfbook.Platform.Spreadsheets;

namespace Shelfbook.Fulfillment.Features.Bins;

/// <summary>A SKU (code, alias or barcode) and its bin; an empty bin takes the SKU's bin away.</summary>
public sealed record BinRow(string? SkuCode, string? BinCode);

public sealed record BinsRequest(Guid? WarehouseId, IReadOnlyList<BinRow>? Rows);

public sealed record BinView(Guid SkuId, string SkuCode, string? Name, string BinCode);

/// <summary>库位: each SKU's default bin in a warehouse, set many at once (a row that names an unknown SKU refuses the call, naming the row).</summary>
public sealed class SkuBins(TenantDbContext db, ISkuDirectory skus)
{
    public const int MaxRows = 50_000;

    public async Task<int> SetAsync(BinsRequest request, CancellationToken ct)
    {
        var check = new InputCheck();
        var rows = request.Rows ?? [];
        if (request.WarehouseId is not { } warehouseId) check.Add("warehouseId", "required", "Choose the warehouse.");
        else if (!await WarehouseQueries.Summaries(db).AnyAsync(w => w.Id == warehouseId, ct)) check.Add("warehouseId", "unknown_warehouse", $"No warehouse {warehouseId}.", warehouseId);
        if (rows.Count == 0) check.Add("rows", "required", "Give the SKUs and their bins.");
        if (rows.Count > MaxRows) check.Add("rows", "too_many", $"At most {MaxRows} rows at a time.", MaxRows);
        check.ThrowIfAny();
        var found = await skus.FindByCodesAsync(rows.Select(r => r?.SkuCode?.Trim()).OfType<string>().Where(c => c.Length > 0).Distinct(), ct);
        var wanted = new Dictionary<Guid, string?>();
        for (var i = 0; i < rows.Count && check.ToErrors().Count < 100; i++)
        {
            var (code, bin) = (rows[i]?.SkuCode?.Trim(), rows[i]?.BinCode?.Trim());
            if (string.IsNullOrEmpty(code)) check.Add($"rows[{i}].skuCode", "required", $"Row {i + 1}: the SKU is missing.", i + 1);
            else if (!found.TryGetValue(code, out var sku)) check.Add($"rows[{i}].skuCode", "unknown_sku", $"Row {i + 1}: no SKU, alias or barcode {code}.", code);
            else if (bin is { Length: > SkuBin.CodeMax }) check.Add($"rows[{i}].binCode", "too_long", $"Row {i + 1}: a bin code is at most {SkuBin.CodeMax} characters.", SkuBin.CodeMax);
            else wanted[sku.Id] = string.IsNullOrEmpty(bin) ? null : bin.ToUpperInvariant();
        }
        check.ThrowIfAny();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var ids = wanted.Keys.ToList();
        var have = new Dictionary<Guid, SkuBin>();
        foreach (var chunk in ids.Chunk(10_000))
            foreach (var b in await db.Set<SkuBin>().Where(b => b.WarehouseId == request.WarehouseId && EF.Parameter(chunk).Contains(b.SkuId)).ToListAsync(ct))
                have[b.SkuId] = b;
        var now = db.Time.StoredUtcNow();
        foreach (var (sku, bin) in wanted)
            if (bin is null)
            {
                if (have.TryGetValue(sku, out var old)) db.Remove(old);
            }
            else if (have.TryGetValue(sku, out var row)) (row.BinCode, row.UpdatedAt) = (bin, now);
            else db.Add(new SkuBin { WarehouseId = request.WarehouseId!.Value, SkuId = sku, BinCode = bin, UpdatedAt = now });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return wanted.Count;
    }

    /// <summary>The warehouse's bins in bin order (a SKU search narrows them), at most <see cref="MaxRows"/>.</summary>
    public async Task<IReadOnlyList<BinView>> ListAsync(Guid warehouseId, string? sku, CancellationToken ct)
    {
        var query = db.Set<SkuBin>().AsNoTracking().Where(b => b.WarehouseId == warehouseId)
            .Join(skus.Skus, b => b.SkuId, s => s.Id, (b, s) => new { b.SkuId, s.Code, s.NormalizedCode, s.ProductName, b.BinCode });
        if (sku?.Trim().ToUpperInvariant() is { Length: > 0 } code) query = query.Where(v => v.NormalizedCode == code || v.BinCode == code);
        return (await query.OrderBy(v => v.BinCode).ThenBy(v => v.Code).Take(MaxRows).ToListAsync(ct))
            .Select(v => new BinView(v.SkuId, v.Code, v.ProductName, v.BinCode)).ToList();
    }

    /// <summary>The sheet's columns: 商家编码 (a code, alias or barcode) and 库位 (empty takes the bin away).</summary>
    public static readonly SheetColumn[] Columns = [new("skuCode", "商家编码", "SKU", Required: true), new("binCode", "库位", "Bin")];

    /// <summary>
    /// Bins from a workbook: every row checked first; with a row at fault nothing is written unless
    /// <paramref name="validOnly"/>, when the good rows are.
    /// </summary>
    public async Task<ImportResult> ImportAsync(Guid warehouseId, Stream xlsx, bool validOnly, CancellationToken ct)
    {
        if (!await WarehouseQueries.Summaries(db).AnyAsync(w => w.Id == warehouseId, ct)) throw new NotFoundException("warehouse", warehouseId);
        var rows = Workbooks.Read(xlsx, Columns).Take(MaxRows + 1).ToList();
        var found = await skus.FindByCodesAsync(rows.Select(r => r.Text("skuCode")).OfType<string>().Distinct(), ct);
        var errors = new List<RowError>();
        var good = new List<BinRow>();
        var rowOf = new Dictionary<Guid, int>();
        foreach (var row in rows.Take(MaxRows))
        {
            var (code, bin) = (row.Text("skuCode"), row.Text("binCode"));
            if (code is null) errors.Add(new RowError(row.Number, "商家编码", "required", "The SKU is missing."));
            else if (!found.TryGetValue(code, out var sku)) errors.Add(new RowError(row.Number, "商家编码", "unknown_sku", $"No SKU, alias or barcode {code}."));
            else if (!rowOf.TryAdd(sku.Id, row.Number))
                errors.Add(new RowError(row.Number, "商家编码", "duplicate_row", $"{code} is the SKU of row {rowOf[sku.Id]} too."));
            else if (bin is { Length: > SkuBin.CodeMax }) errors.Add(new RowError(row.Number, "库位", "too_long", $"A bin code is at most {SkuBin.CodeMax} characters."));
            else good.Add(new BinRow(code, bin));
        }
        if (rows.Count > MaxRows) errors.Add(new RowError(rows[MaxRows].Number, "商家编码", "too_many", $"At most {MaxRows} rows at a time."));
        var write = good.Count > 0 && (errors.Count == 0 || validOnly);
        if (write) await SetAsync(new BinsRequest(warehouseId, good), ct);
        return new ImportResult(rows.Count, write ? good.Count : 0, 0, 0, errors.Count, write, errors)
        {
            ErrorWorkbook = errors.Count == 0 ? null : Workbooks.ErrorWorkbook(Columns, rows, errors),
        };
    }

    /// <summary>The warehouse's bins as the import's sheet (an example row when it has none).</summary>
    public async Task<byte[]> ExportAsync(Guid warehouseId, CancellationToken ct)
    {
        if (!await WarehouseQueries.Summaries(db).AnyAsync(w => w.Id == warehouseId, ct)) throw new NotFoundException("warehouse", warehouseId);
        var bins = await ListAsync(warehouseId, null, ct);
        var rows = bins.Count > 0 ? bins.Select(b => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?> { ["skuCode"] = b.SkuCode, ["binCode"] = b.BinCode })
            : [new Dictionary<string, object?> { ["skuCode"] = "TEE-WHT-M", ["binCode"] = "A-01-02" }];
        return Workbooks.Sheet(Columns, rows);
    }
}
