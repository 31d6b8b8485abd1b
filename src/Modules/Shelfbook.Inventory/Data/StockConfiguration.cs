using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Shelfbook.Data;
using Shelfbook.Inventory.Domain;

namespace Shelfbook.Inventory.Data;

internal sealed class StockMovementConfiguration : IEntityTypeConfiguration<StockMovement>
{
    public void Configure(EntityTypeBuilder<StockMovement> builder)
    {
        builder.ToTable("stock_movements");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).ValueGeneratedOnAdd();
        builder.Property(m => m.Condition).HasConversion<string>().HasMaxLength(12);
        builder.Property(m => m.Type).HasConversion<string>().HasMaxLength(20);
        builder.Property(m => m.Reason).HasMaxLength(32);
        builder.Property(m => m.SourceType).HasMaxLength(32);
        builder.Property(m => m.SourceId).HasMaxLength(64);
        builder.Property(m => m.SourceNo).HasMaxLength(64);
        builder.Property(m => m.OperatorName).HasMaxLength(100);
        builder.Property(m => m.IdempotencyKey).HasMaxLength(StockMovement.KeyMax).IsOrdinal();
        builder.HasIndex(m => m.IdempotencyKey).IsUnique();
        // The ledger page (one SKU, newest first) and stock as of a time (sum up to it).
        builder.HasIndex(m => new { m.SkuId, m.WarehouseId, m.Id });
        builder.HasIndex(m => new { m.SourceType, m.SourceId });
        builder.HasIndex(m => m.At);
        // No foreign key (and so no index of its own) on the warehouse: warehouses are never deleted, every posting checks
        // its warehouses first, and the ledger's insert rate is what a peak day leans on.
    }
}

internal sealed class StockBalanceConfiguration : IEntityTypeConfiguration<StockBalance>
{
    public void Configure(EntityTypeBuilder<StockBalance> builder)
    {
        builder.ToTable("stock_balances", t => t.HasCheckConstraint("ck_stock_balances_reserved", "reserved >= 0"));
        builder.HasKey(b => new { b.WarehouseId, b.SkuId, b.Condition });
        // Every posting rewrites its balances, and a bulk posting may rewrite every row of a page in one transaction (whose
        // old versions cannot be pruned until it ends): half of each page free keeps all of those updates in place (HOT),
        // without new index entries. At 80 a whole-warehouse receipt updated only a quarter in place and took twice as long.
        builder.HasStorageParameter("fillfactor", 50);
        builder.Property(b => b.Condition).HasConversion<string>().HasMaxLength(12);
        builder.HasIndex(b => new { b.SkuId, b.WarehouseId });
        // No foreign key on the warehouse, as on the ledger: warehouses are never deleted, every posting checks its
        // warehouses (known and active) before it writes, and the key's check on each new row (a trigger call per row on
        // PostgreSQL) was a quarter of the cost of creating a warehouse's balances in bulk.
    }
}

internal sealed class StockReservationConfiguration : IEntityTypeConfiguration<StockReservation>
{
    public void Configure(EntityTypeBuilder<StockReservation> builder)
    {
        builder.ToTable("stock_reservations", t => t.HasCheckConstraint("ck_stock_reservations_quantity", "quantity > 0"));
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedOnAdd();
        builder.Property(r => r.OrderNo).HasMaxLength(64).IsOrdinal();
        // One reservation per line and SKU: an order line's part is allocated to one warehouse.
        builder.HasIndex(r => new { r.OrderLineId, r.SkuId }).IsUnique();
        builder.HasIndex(r => r.OrderId);
        builder.HasIndex(r => r.OrderNo);
        // No foreign key on the warehouse (and so no index of its own): reservations are written in batches of 100,000,
        // warehouses are never deleted, and the warehouse is checked before.
    }
}

internal sealed class SkuCostConfiguration : IEntityTypeConfiguration<SkuCost>
{
    public void Configure(EntityTypeBuilder<SkuCost> builder)
    {
        builder.ToTable("sku_costs");
        builder.HasKey(c => c.SkuId);
        // Rewritten by every posting of the SKU; see the balances.
        builder.HasStorageParameter("fillfactor", 50);
    }
}

internal sealed class StockReasonConfiguration : IEntityTypeConfiguration<StockReason>
{
    public void Configure(EntityTypeBuilder<StockReason> builder)
    {
        builder.ToTable("stock_reasons");
        builder.HasKey(r => r.Code);
        builder.Property(r => r.Code).HasMaxLength(StockReason.CodeMax).IsOrdinal();
        builder.Property(r => r.Name).HasMaxLength(50);
        builder.Property(r => r.Direction).HasConversion<string>().HasMaxLength(8);
        builder.HasData(
            new StockReason { Code = "sample", Name = "样品", Direction = ReasonDirection.Out, Sort = 10 },
            new StockReason { Code = "gift", Name = "赠品", Direction = ReasonDirection.Out, Sort = 20 },
            new StockReason { Code = "damage", Name = "报损", Direction = ReasonDirection.Out, Sort = 30 },
            new StockReason { Code = "internal_use", Name = "内部领用", Direction = ReasonDirection.Out, Sort = 40 },
            new StockReason { Code = "found", Name = "找到/盘盈", Direction = ReasonDirection.In, Sort = 50 },
            new StockReason { Code = "opening", Name = "期初入库", Direction = ReasonDirection.In, Sort = 60 },
            new StockReason { Code = "return_no_order", Name = "无单退货", Direction = ReasonDirection.In, Sort = 70 },
            new StockReason { Code = "count_difference", Name = "盘点差异", Direction = ReasonDirection.Both, Sort = 80 },
            new StockReason { Code = "transfer_difference", Name = "调拨差异", Direction = ReasonDirection.Both, Sort = 90 },
            new StockReason { Code = "quality", Name = "质检转换", Direction = ReasonDirection.Both, Sort = 100 },
            new StockReason { Code = "other", Name = "其他", Direction = ReasonDirection.Both, Sort = 200 });
    }
}

internal sealed class StockDocumentConfiguration : IEntityTypeConfiguration<StockDocument>
{
    public void Configure(EntityTypeBuilder<StockDocument> builder)
    {
        builder.ToTable("stock_documents");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.No).HasMaxLength(32).IsOrdinal();
        builder.HasIndex(d => d.No).IsUnique();
        builder.Property(d => d.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(d => d.Status).HasConversion<string>().HasMaxLength(12);
        builder.Property(d => d.Reason).HasMaxLength(StockReason.CodeMax);
        builder.Property(d => d.Note).HasMaxLength(500);
        builder.Property(d => d.CreatedBy).HasMaxLength(100);
        builder.Property(d => d.PostedBy).HasMaxLength(100);
        builder.HasIndex(d => new { d.Status, d.CreatedAt });
        builder.HasOne<Warehouse>().WithMany().HasForeignKey(d => d.WarehouseId).OnDelete(DeleteBehavior.Restrict);
        builder.OwnsMany(d => d.Lines, line =>
        {
            line.ToTable("stock_document_lines");
            line.WithOwner().HasForeignKey(l => l.DocumentId);
            line.HasKey(l => new { l.DocumentId, l.Line });
            line.Property(l => l.Condition).HasConversion<string>().HasMaxLength(12);
        });
        builder.Navigation(d => d.Lines).HasField("_lines");
    }
}

internal sealed class StocktakeConfiguration : IEntityTypeConfiguration<Stocktake>
{
    public void Configure(EntityTypeBuilder<Stocktake> builder)
    {
        builder.ToTable("stocktakes");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.No).HasMaxLength(32).IsOrdinal();
        builder.HasIndex(s => s.No).IsUnique();
        builder.Property(s => s.Status).HasConversion<string>().HasMaxLength(12);
        builder.Property(s => s.Scope).HasMaxLength(200);
        builder.Property(s => s.Note).HasMaxLength(500);
        builder.Property(s => s.Reason).HasMaxLength(StockReason.CodeMax);
        builder.Property(s => s.CreatedBy).HasMaxLength(100);
        builder.Property(s => s.PostedBy).HasMaxLength(100);
        builder.HasOne<Warehouse>().WithMany().HasForeignKey(s => s.WarehouseId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class StocktakeLineConfiguration : IEntityTypeConfiguration<StocktakeLine>
{
    public void Configure(EntityTypeBuilder<StocktakeLine> builder)
    {
        builder.ToTable("stocktake_lines");
        builder.HasKey(l => new { l.StocktakeId, l.SkuId, l.Condition });
        builder.Property(l => l.Condition).HasConversion<string>().HasMaxLength(12);
        builder.Property(l => l.CountedBy).HasMaxLength(100);
        builder.Property(l => l.SortKey).HasMaxLength(80).IsOrdinal();
        builder.HasIndex(l => new { l.StocktakeId, l.SortKey });
        builder.HasOne<Stocktake>().WithMany().HasForeignKey(l => l.StocktakeId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TransferConfiguration : IEntityTypeConfiguration<Transfer>
{
    public void Configure(EntityTypeBuilder<Transfer> builder)
    {
        builder.ToTable("transfers");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.No).HasMaxLength(32).IsOrdinal();
        builder.HasIndex(t => t.No).IsUnique();
        builder.Property(t => t.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(t => t.Note).HasMaxLength(500);
        builder.Property(t => t.CloseReason).HasMaxLength(StockReason.CodeMax);
        builder.Property(t => t.CreatedBy).HasMaxLength(100);
        builder.HasIndex(t => new { t.Status, t.CreatedAt });
        builder.HasOne<Warehouse>().WithMany().HasForeignKey(t => t.FromWarehouseId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Warehouse>().WithMany().HasForeignKey(t => t.ToWarehouseId).OnDelete(DeleteBehavior.Restrict);
        builder.OwnsMany(t => t.Lines, line =>
        {
            line.ToTable("transfer_lines");
            line.WithOwner().HasForeignKey(l => l.TransferId);
            line.HasKey(l => new { l.TransferId, l.Line });
            line.HasIndex(l => l.SkuId);
        });
        builder.Navigation(t => t.Lines).HasField("_lines");
    }
}

internal sealed class InventorySettingsConfiguration : IEntityTypeConfiguration<InventorySettings>
{
    public void Configure(EntityTypeBuilder<InventorySettings> builder)
    {
        builder.ToTable("inventory_settings");
        builder.HasKey(s => s.Id);
        builder.HasData(new InventorySettings { Id = 1, StagnantDays = 90 });
    }
}
