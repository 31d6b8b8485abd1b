using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Shelfbook.Channels.Domain;
using Shelfbook.Data;

namespace Shelfbook.Channels.Data;

internal sealed class ShopConnectionConfiguration : IEntityTypeConfiguration<ShopConnection>
{
    public void Configure(EntityTypeBuilder<ShopConnection> builder)
    {
        builder.ToTable("shop_connections");
        builder.HasKey(c => c.ShopId);
        builder.Property(c => c.CredentialNames).HasMaxLength(300);
        builder.Property(c => c.ApiBaseUrl).HasMaxLength(300);
        builder.Property(c => c.LeaseOwner).HasMaxLength(64);
        builder.Property(c => c.LastError).HasMaxLength(1000);
        builder.Property(c => c.ConsentNonce).HasMaxLength(64);
        builder.Property(c => c.Health).HasConversion<string>().HasMaxLength(24);
        builder.HasIndex(c => new { c.SyncEnabled, c.NextSyncAt });
    }
}

internal sealed class PlatformOrderConfiguration : IEntityTypeConfiguration<PlatformOrder>
{
    public void Configure(EntityTypeBuilder<PlatformOrder> builder)
    {
        builder.ToTable("platform_orders");
        builder.HasKey(o => o.Id);
        builder.Property(o => o.PlatformOrderId).HasMaxLength(PlatformOrder.IdMax).IsOrdinal();
        builder.HasIndex(o => new { o.ShopId, o.PlatformOrderId }).IsUnique();
        builder.HasIndex(o => new { o.PlatformUpdatedAt, o.PlatformOrderId });
        builder.Property(o => o.Platform).HasConversion<string>().HasMaxLength(16);
        builder.Property(o => o.Status).HasConversion<string>().HasMaxLength(24);
        builder.Property(o => o.Refund).HasConversion<string>().HasMaxLength(24);
        builder.Property(o => o.PlatformStatus).HasMaxLength(48);
        builder.Property(o => o.Currency).HasMaxLength(3);
        foreach (var text in new[] { nameof(PlatformOrder.BuyerNick), nameof(PlatformOrder.Country), nameof(PlatformOrder.Province), nameof(PlatformOrder.City),
                     nameof(PlatformOrder.District), nameof(PlatformOrder.PostalCode) })
            builder.Property(text).HasMaxLength(100);
        builder.Property(o => o.ReceiverName).HasMaxLength(PlatformOrder.ReceiverMax);
        builder.Property(o => o.ReceiverPhone).HasMaxLength(PlatformOrder.ReceiverMax);
        builder.Property(o => o.Address).HasMaxLength(PlatformOrder.AddressMax);
        builder.Property(o => o.BuyerMessage).HasMaxLength(500);
        builder.Property(o => o.SellerMemo).HasMaxLength(500);
    }
}

internal sealed class PlatformOrderLineConfiguration : IEntityTypeConfiguration<PlatformOrderLine>
{
    public void Configure(EntityTypeBuilder<PlatformOrderLine> builder)
    {
        builder.ToTable("platform_order_lines");
        builder.HasKey(l => l.Id);
        builder.Property(l => l.Id).ValueGeneratedOnAdd();
        builder.HasIndex(l => l.OrderId);
        builder.HasOne<PlatformOrder>().WithMany().HasForeignKey(l => l.OrderId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(l => l.PlatformLineId).HasMaxLength(PlatformOrder.IdMax);
        builder.Property(l => l.PlatformItemId).HasMaxLength(PlatformOrder.IdMax);
        builder.Property(l => l.PlatformSkuId).HasMaxLength(PlatformOrder.IdMax);
        builder.Property(l => l.SellerCode).HasMaxLength(64);
        builder.Property(l => l.Title).HasMaxLength(200);
        builder.Property(l => l.Spec).HasMaxLength(200);
        builder.Property(l => l.Refund).HasConversion<string>().HasMaxLength(24);
    }
}

internal sealed class PlatformOrderEventConfiguration : IEntityTypeConfiguration<PlatformOrderEvent>
{
    public void Configure(EntityTypeBuilder<PlatformOrderEvent> builder)
    {
        builder.ToTable("platform_order_events");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedOnAdd();
        builder.HasIndex(e => e.OrderId);
        builder.Property(e => e.PlatformOrderId).HasMaxLength(PlatformOrder.IdMax);
        builder.Property(e => e.Change).HasConversion<string>().HasMaxLength(24);
        // Orders reads the waiting changes; the handled ones (nearly all) stay out of this index.
        builder.HasIndex(e => e.Id).HasDatabaseName("ix_platform_order_events_waiting").HasFilter("handled_at IS NULL");
    }
}

internal sealed class QuarantinedRecordConfiguration : IEntityTypeConfiguration<QuarantinedRecord>
{
    public void Configure(EntityTypeBuilder<QuarantinedRecord> builder)
    {
        builder.ToTable("quarantined_records");
        builder.HasKey(q => q.Id);
        builder.Property(q => q.Id).ValueGeneratedOnAdd();
        builder.Property(q => q.PlatformOrderId).HasMaxLength(PlatformOrder.IdMax);
        builder.Property(q => q.Error).HasMaxLength(1000);
        builder.Property(q => q.State).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(q => new { q.ShopId, q.State, q.PlatformOrderId });
    }
}

internal sealed class ShipmentConfirmationConfiguration : IEntityTypeConfiguration<ShipmentConfirmation>
{
    public void Configure(EntityTypeBuilder<ShipmentConfirmation> builder)
    {
        builder.ToTable("shipment_confirmations");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedOnAdd();
        builder.Property(c => c.PlatformOrderId).HasMaxLength(PlatformOrder.IdMax).IsOrdinal();
        builder.Property(c => c.TrackingNo).HasMaxLength(64).IsOrdinal();
        builder.Property(c => c.PlatformLineIds).HasMaxLength(1000);
        builder.Property(c => c.CarrierCode).HasMaxLength(16);
        builder.Property(c => c.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.LeaseOwner).HasMaxLength(64);
        builder.Property(c => c.LastError).HasMaxLength(1000);
        // One confirmation per parcel: queuing it again finds this row.
        builder.HasIndex(c => new { c.ShopId, c.PlatformOrderId, c.TrackingNo }).IsUnique();
        builder.HasIndex(c => new { c.State, c.NextAttemptAt });
    }
}

internal sealed class SyncRunLogConfiguration : IEntityTypeConfiguration<SyncRunLog>
{
    public void Configure(EntityTypeBuilder<SyncRunLog> builder)
    {
        builder.ToTable("sync_run_logs");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedOnAdd();
        builder.Property(r => r.Error).HasMaxLength(1000);
        builder.HasIndex(r => new { r.ShopId, r.StartedAt });
    }
}

internal sealed class ShopStockPushConfiguration : IEntityTypeConfiguration<ShopStockPush>
{
    public void Configure(EntityTypeBuilder<ShopStockPush> builder)
    {
        builder.ToTable("shop_stock_pushes");
        builder.HasKey(p => p.ShopId);
        builder.Property(p => p.LeaseOwner).HasMaxLength(64);
        builder.Property(p => p.LastError).HasMaxLength(1000);
        builder.HasIndex(p => new { p.Enabled, p.NextPushAt });
    }
}

internal sealed class ShopWarehouseConfiguration : IEntityTypeConfiguration<ShopWarehouse>
{
    public void Configure(EntityTypeBuilder<ShopWarehouse> builder)
    {
        builder.ToTable("shop_warehouses");
        builder.HasKey(w => w.Id);
        builder.HasIndex(w => new { w.ShopId, w.WarehouseId }).IsUnique();
    }
}

internal sealed class ListingStockConfiguration : IEntityTypeConfiguration<ListingStock>
{
    public void Configure(EntityTypeBuilder<ListingStock> builder)
    {
        builder.ToTable("listing_stock");
        builder.HasKey(l => l.ListingId);
        builder.Property(l => l.LastError).HasMaxLength(1000);
        builder.HasIndex(l => l.ShopId);
    }
}
