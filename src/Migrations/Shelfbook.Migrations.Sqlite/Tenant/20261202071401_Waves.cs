using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Sqlite.Tenant
{
    /// <inheritdoc />
    public partial class Waves : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "sku_bins",
                columns: table => new
                {
                    warehouse_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    sku_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    bin_code = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sku_bins", x => new { x.warehouse_id, x.sku_id });
                });

            migrationBuilder.CreateTable(
                name: "waves",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    wave_no = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    warehouse_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    strategy = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    criterion = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    order_count = table.Column<int>(type: "INTEGER", nullable: false),
                    units = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_waves", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "wave_orders",
                columns: table => new
                {
                    wave_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    order_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    order_no = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    slot = table.Column<int>(type: "INTEGER", nullable: false),
                    removed_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    removed_reason = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_wave_orders", x => new { x.wave_id, x.order_id });
                    table.ForeignKey(
                        name: "fk_wave_orders_waves_wave_id",
                        column: x => x.wave_id,
                        principalTable: "waves",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_wave_orders_order_id",
                table: "wave_orders",
                column: "order_id");

            migrationBuilder.CreateIndex(
                name: "ix_waves_warehouse_id_status_created_at",
                table: "waves",
                columns: new[] { "warehouse_id", "status", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_waves_wave_no",
                table: "waves",
                column: "wave_no",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "sku_bins");

            migrationBuilder.DropTable(
                name: "wave_orders");

            migrationBuilder.DropTable(
                name: "waves");
        }
    }
}
