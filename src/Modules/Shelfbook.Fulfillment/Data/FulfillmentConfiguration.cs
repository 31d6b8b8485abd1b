using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Shelfbook.Data;
using Shelfbook.Fulfillment.Domain;

namespace Shelfbook.Fulfillment.Data;

internal sealed class ParcelConfiguration : IEntityTypeConfiguration<Parcel>
{
    public void Configure(EntityTypeBuilder<Parcel> builder)
    {
        builder.ToTable("parcels");
        builder.HasKey(p => p.Id);
        // One parcel per order, and no tracking number on two parcels: a second ship of either fails here, whatever raced.
        builder.HasIndex(p => p.OrderId).IsUnique();
        builder.Property(p => p.TrackingNo).HasMaxLength(64).IsOrdinal();
        builder.HasIndex(p => p.TrackingNo).IsUnique();
        builder.Property(p => p.OrderNo).HasMaxLength(32).IsOrdinal();
        builder.Property(p => p.CarrierCode).HasMaxLength(32);
        builder.Property(p => p.Mode).HasConversion<string>().HasMaxLength(12);
        builder.Property(p => p.WriteBack).HasConversion<string>().HasMaxLength(12);
        builder.Property(p => p.WriteBackProblem).HasMaxLength(500);
        builder.Property(p => p.ShippedBy).HasMaxLength(100);
        // Today's parcels, newest first.
        builder.HasIndex(p => new { p.ShippedAt, p.Id });
        // Virtually shipped parcels not yet completed, oldest first.
        builder.HasIndex(p => new { p.Mode, p.CompletedAt, p.ShippedAt });
    }
}

internal sealed class WaveConfiguration : IEntityTypeConfiguration<Wave>
{
    public void Configure(EntityTypeBuilder<Wave> builder)
    {
        builder.ToTable("waves");
        builder.HasKey(w => w.Id);
        builder.Property(w => w.WaveNo).HasMaxLength(16).IsOrdinal();
        builder.HasIndex(w => w.WaveNo).IsUnique();
        builder.Property(w => w.Strategy).HasConversion<string>().HasMaxLength(12);
        builder.Property(w => w.Status).HasConversion<string>().HasMaxLength(12);
        builder.Property(w => w.Criterion).HasMaxLength(64);
        builder.Property(w => w.CreatedBy).HasMaxLength(100);
        builder.HasIndex(w => new { w.WarehouseId, w.Status, w.CreatedAt });
    }
}

internal sealed class WaveOrderConfiguration : IEntityTypeConfiguration<WaveOrder>
{
    public void Configure(EntityTypeBuilder<WaveOrder> builder)
    {
        builder.ToTable("wave_orders");
        builder.HasKey(o => new { o.WaveId, o.OrderId });
        builder.HasOne<Wave>().WithMany().HasForeignKey(o => o.WaveId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(o => o.OrderId);
        builder.Property(o => o.OrderNo).HasMaxLength(32).IsOrdinal();
        builder.Property(o => o.RemovedReason).HasMaxLength(200);
    }
}

internal sealed class SkuBinConfiguration : IEntityTypeConfiguration<SkuBin>
{
    public void Configure(EntityTypeBuilder<SkuBin> builder)
    {
        builder.ToTable("sku_bins");
        builder.HasKey(b => new { b.WarehouseId, b.SkuId });
        builder.Property(b => b.BinCode).HasMaxLength(SkuBin.CodeMax).IsOrdinal();
    }
}

internal sealed class WaybillConfiguration : IEntityTypeConfiguration<Waybill>
{
    public void Configure(EntityTypeBuilder<Waybill> builder)
    {
        builder.ToTable("waybills");
        builder.HasKey(w => w.Id);
        // At most one number in play per order: a second fetch for the same parcel fails here, whatever raced.
        builder.HasIndex(w => w.OrderId).IsUnique().HasDatabaseName("ix_waybills_order_live").HasFilter("status <> 'Cancelled'");
        builder.Property(w => w.OrderNo).HasMaxLength(32).IsOrdinal();
        builder.Property(w => w.CarrierCode).HasMaxLength(32);
        builder.Property(w => w.Reference).HasMaxLength(48).IsOrdinal();
        builder.HasIndex(w => w.Reference).IsUnique();
        builder.Property(w => w.TrackingNo).HasMaxLength(64).IsOrdinal();
        builder.HasIndex(w => w.TrackingNo).IsUnique();
        builder.Property(w => w.Status).HasConversion<string>().HasMaxLength(12);
        builder.Property(w => w.RequestedBy).HasMaxLength(100);
    }
}

internal sealed class PackRecordConfiguration : IEntityTypeConfiguration<PackRecord>
{
    public void Configure(EntityTypeBuilder<PackRecord> builder)
    {
        builder.ToTable("pack_records");
        builder.HasKey(p => p.OrderId);
        builder.Property(p => p.OrderNo).HasMaxLength(32).IsOrdinal();
        builder.Property(p => p.PackedBy).HasMaxLength(100);
        builder.Property(p => p.WeighedBy).HasMaxLength(100);
        builder.Property(p => p.Currency).HasMaxLength(3);
        // The parcels waiting for a weight check, per warehouse.
        builder.HasIndex(p => new { p.WarehouseId, p.WeightHeld });
    }
}

internal sealed class FulfillmentSettingsConfiguration : IEntityTypeConfiguration<FulfillmentSettings>
{
    public void Configure(EntityTypeBuilder<FulfillmentSettings> builder)
    {
        builder.ToTable("fulfillment_settings");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
    }
}

internal sealed class WarehouseShipModeConfiguration : IEntityTypeConfiguration<WarehouseShipMode>
{
    public void Configure(EntityTypeBuilder<WarehouseShipMode> builder)
    {
        builder.ToTable("warehouse_ship_modes");
        builder.HasKey(m => m.WarehouseId);
        builder.Property(m => m.Mode).HasConversion<string>().HasMaxLength(12);
    }
}

internal sealed class OrderShipModeConfiguration : IEntityTypeConfiguration<OrderShipMode>
{
    public void Configure(EntityTypeBuilder<OrderShipMode> builder)
    {
        builder.ToTable("order_ship_modes");
        builder.HasKey(m => m.OrderId);
        builder.Property(m => m.OrderNo).HasMaxLength(32).IsOrdinal();
        builder.Property(m => m.Mode).HasConversion<string>().HasMaxLength(12);
        builder.Property(m => m.SetBy).HasMaxLength(100);
    }
}

internal sealed class DropshipRequestConfiguration : IEntityTypeConfiguration<DropshipRequest>
{
    public void Configure(EntityTypeBuilder<DropshipRequest> builder)
    {
        builder.ToTable("dropship_requests");
        builder.HasKey(r => r.OrderId);
        builder.Property(r => r.OrderNo).HasMaxLength(32).IsOrdinal();
        builder.Property(r => r.SentBy).HasMaxLength(100);
        builder.HasIndex(r => new { r.SupplierId, r.LastSentAt });
    }
}

internal sealed class LabelTemplateConfiguration : IEntityTypeConfiguration<LabelTemplate>
{
    public void Configure(EntityTypeBuilder<LabelTemplate> builder)
    {
        builder.ToTable("label_templates");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Name).HasMaxLength(LabelTemplate.NameMax);
        builder.Property(t => t.NormalizedName).HasMaxLength(LabelTemplate.NameMax).IsOrdinal();
        builder.HasIndex(t => t.NormalizedName).IsUnique();
        builder.Property(t => t.Fields).HasMaxLength(200);
        builder.Property(t => t.CarrierCode).HasMaxLength(32);
        builder.Ignore(t => t.FieldSet);
    }
}

internal sealed class ShipJobConfiguration : IEntityTypeConfiguration<ShipJob>
{
    public void Configure(EntityTypeBuilder<ShipJob> builder)
    {
        builder.ToTable("ship_jobs");
        builder.HasKey(j => j.Id);
        builder.Property(j => j.Mode).HasConversion<string>().HasMaxLength(12);
        builder.Property(j => j.State).HasConversion<string>().HasMaxLength(12);
        builder.Property(j => j.CreatedBy).HasMaxLength(100);
        builder.Property(j => j.LeaseOwner).HasMaxLength(100);
        builder.HasIndex(j => new { j.State, j.CreatedAt });
    }
}

internal sealed class ShipJobRowConfiguration : IEntityTypeConfiguration<ShipJobRow>
{
    public void Configure(EntityTypeBuilder<ShipJobRow> builder)
    {
        builder.ToTable("ship_job_rows");
        builder.HasKey(r => new { r.JobId, r.Seq });
        builder.HasOne<ShipJob>().WithMany().HasForeignKey(r => r.JobId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(r => r.OrderNo).HasMaxLength(64);
        builder.Property(r => r.TrackingNo).HasMaxLength(64);
        builder.Property(r => r.CarrierCode).HasMaxLength(32);
        builder.Property(r => r.Outcome).HasConversion<string>().HasMaxLength(8);
        builder.Property(r => r.Code).HasMaxLength(64);
        builder.Property(r => r.Message).HasMaxLength(500);
        // The next pending rows of a job, and its rows by outcome.
        builder.HasIndex(r => new { r.JobId, r.Outcome, r.Seq });
    }
}
