using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Sqlite.Tenant
{
    /// <inheritdoc />
    public partial class LeanerReservations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_stock_reservations_warehouse_warehouse_id",
                table: "stock_reservations");

            migrationBuilder.DropIndex(
                name: "ix_stock_reservations_order_line_id_sku_id_warehouse_id",
                table: "stock_reservations");

            migrationBuilder.DropIndex(
                name: "ix_stock_reservations_sku_id_warehouse_id",
                table: "stock_reservations");

            migrationBuilder.DropIndex(
                name: "ix_stock_reservations_warehouse_id",
                table: "stock_reservations");

            migrationBuilder.CreateIndex(
                name: "ix_stock_reservations_order_line_id_sku_id",
                table: "stock_reservations",
                columns: new[] { "order_line_id", "sku_id" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_stock_reservations_order_line_id_sku_id",
                table: "stock_reservations");

            migrationBuilder.CreateIndex(
                name: "ix_stock_reservations_order_line_id_sku_id_warehouse_id",
                table: "stock_reservations",
                columns: new[] { "order_line_id", "sku_id", "warehouse_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_stock_reservations_sku_id_warehouse_id",
                table: "stock_reservations",
                columns: new[] { "sku_id", "warehouse_id" });

            migrationBuilder.CreateIndex(
                name: "ix_stock_reservations_warehouse_id",
                table: "stock_reservations",
                column: "warehouse_id");

            migrationBuilder.AddForeignKey(
                name: "fk_stock_reservations_warehouse_warehouse_id",
                table: "stock_reservations",
                column: "warehouse_id",
                principalTable: "warehouses",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }
    }
}
