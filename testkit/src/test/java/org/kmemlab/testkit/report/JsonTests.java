package org.kmemlab.testkit.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class JsonTests {

    @Test
    void writesNestedValuesWithCommasWhereTheyBelong() {
        String json = new Json().beginObject().field("name", "kmalloc-32").field("objects", 127)
                .key("orders").numbers(new int[] {0, 3}).key("empty").beginArray().endArray()
                .key("ok").bool(true).key("none").string(null).endObject().toString();
        assertEquals("{\"name\":\"kmalloc-32\",\"objects\":127,\"orders\":[0,3],\"empty\":[],\"ok\":true,\"none\":null}",
                json);
    }

    @Test
    void escapesQuotesControlCharactersAndEveryLessThanSign() {
        String json = new Json().string("a \"b\" \\ \n\t\u0001 </script>").toString();
        assertEquals("\"a \\\"b\\\" \\\\ \\n\\t\\u0001 \\u003c/script>\"", json);
    }

    @Test
    void writesAPrefixOfALongArrayAndRawJson() {
        String json = new Json().beginArray().numbers(new long[] {5, 6, 7, 8}, 2).raw("{\"a\":1}").endArray()
                .toString();
        assertEquals("[[5,6],{\"a\":1}]", json);
    }

    @Test
    void misuseIsReportedNotWrittenWrong() {
        assertEquals("a value inside an object needs a key first",
                assertThrows(IllegalStateException.class, () -> new Json().beginObject().number(1)).getMessage());
        assertEquals("1 object(s) or array(s) left open",
                assertThrows(IllegalStateException.class, () -> new Json().beginArray().toString()).getMessage());
        assertEquals("']' does not close what is open",
                assertThrows(IllegalStateException.class, () -> new Json().beginObject().endArray()).getMessage());
        assertEquals("a JSON text holds one value; wrap several in an array",
                assertThrows(IllegalStateException.class, () -> new Json().number(1).number(2)).getMessage());
    }
}
