using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Sqlite.Tenant
{
    /// <inheritdoc />
    public partial class PackStation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "fulfillment_settings",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false),
                    weight_tolerance_percent = table.Column<int>(type: "INTEGER", nullable: false),
                    weight_tolerance_grams = table.Column<int>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_fulfillment_settings", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "pack_records",
                columns: table => new
                {
                    order_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    order_no = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    warehouse_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    units = table.Column<int>(type: "INTEGER", nullable: false),
                    packed_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    packed_by = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    estimated_grams = table.Column<long>(type: "INTEGER", nullable: false),
                    weight_grams = table.Column<int>(type: "INTEGER", nullable: true),
                    weighed_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    weighed_by = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    weight_held = table.Column<bool>(type: "INTEGER", nullable: false),
                    freight = table.Column<long>(type: "INTEGER", nullable: true),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_pack_records", x => x.order_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_pack_records_warehouse_id_weight_held",
                table: "pack_records",
                columns: new[] { "warehouse_id", "weight_held" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "fulfillment_settings");

            migrationBuilder.DropTable(
                name: "pack_records");
        }
    }
}
