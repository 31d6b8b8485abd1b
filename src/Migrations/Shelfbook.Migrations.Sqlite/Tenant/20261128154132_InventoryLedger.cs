using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Shelfbook.Migrations.Sqlite.Tenant
{
    /// <inheritdoc />
    public partial class InventoryLedger : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "allow_negative_stock",
                table: "warehouses",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "inventory_settings",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    stagnant_days = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_inventory_settings", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "sku_costs",
                columns: table => new
                {
                    sku_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    average_cost = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sku_costs", x => x.sku_id);
                });

            migrationBuilder.CreateTable(
                name: "stock_balances",
                columns: table => new
                {
                    warehouse_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    sku_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    condition = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    on_hand = table.Column<long>(type: "INTEGER", nullable: false),
                    reserved = table.Column<long>(type: "INTEGER", nullable: false),
                    last_movement_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    last_outbound_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stock_balances", x => new { x.warehouse_id, x.sku_id, x.condition });
                    table.CheckConstraint("ck_stock_balances_reserved", "reserved >= 0");
                    table.ForeignKey(
                        name: "fk_stock_balances_warehouse_warehouse_id",
                        column: x => x.warehouse_id,
                        principalTable: "warehouses",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "stock_documents",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    no = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    warehouse_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    posted_by = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    posted_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stock_documents", x => x.id);
                    table.ForeignKey(
                        name: "fk_stock_documents_warehouse_warehouse_id",
                        column: x => x.warehouse_id,
                        principalTable: "warehouses",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "stock_movements",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    warehouse_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    sku_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    condition = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    quantity = table.Column<int>(type: "INTEGER", nullable: false),
                    type = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    source_type = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    source_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    source_no = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    unit_cost = table.Column<long>(type: "INTEGER", nullable: false),
                    on_hand_after = table.Column<long>(type: "INTEGER", nullable: false),
                    operator_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    operator_name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    idempotency_key = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stock_movements", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "stock_reasons",
                columns: table => new
                {
                    code = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    direction = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    active = table.Column<bool>(type: "INTEGER", nullable: false),
                    sort = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stock_reasons", x => x.code);
                });

            migrationBuilder.CreateTable(
                name: "stock_reservations",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    order_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    order_no = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    order_line_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    sku_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    warehouse_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    quantity = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stock_reservations", x => x.id);
                    table.CheckConstraint("ck_stock_reservations_quantity", "quantity > 0");
                    table.ForeignKey(
                        name: "fk_stock_reservations_warehouse_warehouse_id",
                        column: x => x.warehouse_id,
                        principalTable: "warehouses",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "stocktakes",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    no = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    warehouse_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    blind = table.Column<bool>(type: "INTEGER", nullable: false),
                    scope = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    reason = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    line_count = table.Column<int>(type: "INTEGER", nullable: false),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    posted_by = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    posted_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stocktakes", x => x.id);
                    table.ForeignKey(
                        name: "fk_stocktakes_warehouse_warehouse_id",
                        column: x => x.warehouse_id,
                        principalTable: "warehouses",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "transfers",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    no = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    from_warehouse_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    to_warehouse_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    receipts = table.Column<int>(type: "INTEGER", nullable: false),
                    close_reason = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    shipped_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    closed_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_transfers", x => x.id);
                    table.ForeignKey(
                        name: "fk_transfers_warehouse_from_warehouse_id",
                        column: x => x.from_warehouse_id,
                        principalTable: "warehouses",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_transfers_warehouse_to_warehouse_id",
                        column: x => x.to_warehouse_id,
                        principalTable: "warehouses",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "stock_document_lines",
                columns: table => new
                {
                    document_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    line = table.Column<int>(type: "INTEGER", nullable: false),
                    sku_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    quantity = table.Column<int>(type: "INTEGER", nullable: false),
                    condition = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    unit_cost = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stock_document_lines", x => new { x.document_id, x.line });
                    table.ForeignKey(
                        name: "fk_stock_document_lines_stock_documents_document_id",
                        column: x => x.document_id,
                        principalTable: "stock_documents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "stocktake_lines",
                columns: table => new
                {
                    stocktake_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    sku_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    condition = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    snapshot = table.Column<long>(type: "INTEGER", nullable: false),
                    counted = table.Column<int>(type: "INTEGER", nullable: true),
                    book_at_count = table.Column<long>(type: "INTEGER", nullable: true),
                    counted_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    counted_by = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stocktake_lines", x => new { x.stocktake_id, x.sku_id, x.condition });
                    table.ForeignKey(
                        name: "fk_stocktake_lines_stocktakes_stocktake_id",
                        column: x => x.stocktake_id,
                        principalTable: "stocktakes",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "transfer_lines",
                columns: table => new
                {
                    transfer_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    line = table.Column<int>(type: "INTEGER", nullable: false),
                    sku_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    quantity = table.Column<int>(type: "INTEGER", nullable: false),
                    shipped = table.Column<int>(type: "INTEGER", nullable: false),
                    received = table.Column<int>(type: "INTEGER", nullable: false),
                    closed_difference = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_transfer_lines", x => new { x.transfer_id, x.line });
                    table.ForeignKey(
                        name: "fk_transfer_lines_transfers_transfer_id",
                        column: x => x.transfer_id,
                        principalTable: "transfers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.InsertData(
                table: "inventory_settings",
                columns: new[] { "id", "stagnant_days" },
                values: new object[] { 1, 90 });

            migrationBuilder.InsertData(
                table: "stock_reasons",
                columns: new[] { "code", "active", "direction", "name", "sort" },
                values: new object[,]
                {
                    { "count_difference", true, "Both", "盘点差异", 80 },
                    { "damage", true, "Out", "报损", 30 },
                    { "found", true, "In", "找到/盘盈", 50 },
                    { "gift", true, "Out", "赠品", 20 },
                    { "internal_use", true, "Out", "内部领用", 40 },
                    { "opening", true, "In", "期初入库", 60 },
                    { "other", true, "Both", "其他", 200 },
                    { "quality", true, "Both", "质检转换", 100 },
                    { "return_no_order", true, "In", "无单退货", 70 },
                    { "sample", true, "Out", "样品", 10 },
                    { "transfer_difference", true, "Both", "调拨差异", 90 }
                });

            migrationBuilder.CreateIndex(
                name: "ix_stock_balances_sku_id_warehouse_id",
                table: "stock_balances",
                columns: new[] { "sku_id", "warehouse_id" });

            migrationBuilder.CreateIndex(
                name: "ix_stock_documents_no",
                table: "stock_documents",
                column: "no",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_stock_documents_status_created_at",
                table: "stock_documents",
                columns: new[] { "status", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_stock_documents_warehouse_id",
                table: "stock_documents",
                column: "warehouse_id");

            migrationBuilder.CreateIndex(
                name: "ix_stock_movements_at",
                table: "stock_movements",
                column: "at");

            migrationBuilder.CreateIndex(
                name: "ix_stock_movements_idempotency_key",
                table: "stock_movements",
                column: "idempotency_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_stock_movements_sku_id_warehouse_id_id",
                table: "stock_movements",
                columns: new[] { "sku_id", "warehouse_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_stock_movements_source_type_source_id",
                table: "stock_movements",
                columns: new[] { "source_type", "source_id" });

            migrationBuilder.CreateIndex(
                name: "ix_stock_reservations_order_id",
                table: "stock_reservations",
                column: "order_id");

            migrationBuilder.CreateIndex(
                name: "ix_stock_reservations_order_line_id_sku_id_warehouse_id",
                table: "stock_reservations",
                columns: new[] { "order_line_id", "sku_id", "warehouse_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_stock_reservations_order_no",
                table: "stock_reservations",
                column: "order_no");

            migrationBuilder.CreateIndex(
                name: "ix_stock_reservations_sku_id_warehouse_id",
                table: "stock_reservations",
                columns: new[] { "sku_id", "warehouse_id" });

            migrationBuilder.CreateIndex(
                name: "ix_stock_reservations_warehouse_id",
                table: "stock_reservations",
                column: "warehouse_id");

            migrationBuilder.CreateIndex(
                name: "ix_stocktakes_no",
                table: "stocktakes",
                column: "no",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_stocktakes_warehouse_id",
                table: "stocktakes",
                column: "warehouse_id");

            migrationBuilder.CreateIndex(
                name: "ix_transfer_lines_sku_id",
                table: "transfer_lines",
                column: "sku_id");

            migrationBuilder.CreateIndex(
                name: "ix_transfers_from_warehouse_id",
                table: "transfers",
                column: "from_warehouse_id");

            migrationBuilder.CreateIndex(
                name: "ix_transfers_no",
                table: "transfers",
                column: "no",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_transfers_status_created_at",
                table: "transfers",
                columns: new[] { "status", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_transfers_to_warehouse_id",
                table: "transfers",
                column: "to_warehouse_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "inventory_settings");

            migrationBuilder.DropTable(
                name: "sku_costs");

            migrationBuilder.DropTable(
                name: "stock_balances");

            migrationBuilder.DropTable(
                name: "stock_document_lines");

            migrationBuilder.DropTable(
                name: "stock_movements");

            migrationBuilder.DropTable(
                name: "stock_reasons");

            migrationBuilder.DropTable(
                name: "stock_reservations");

            migrationBuilder.DropTable(
                name: "stocktake_lines");

            migrationBuilder.DropTable(
                name: "transfer_lines");

            migrationBuilder.DropTable(
                name: "stock_documents");

            migrationBuilder.DropTable(
                name: "stocktakes");

            migrationBuilder.DropTable(
                name: "transfers");

            migrationBuilder.DropColumn(
                name: "allow_negative_stock",
                table: "warehouses");
        }
    }
}
