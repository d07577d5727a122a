// Validates several data graphs against one shapes file, each graph on its own, in one
// JVM: a JVM per graph costs about two seconds of start-up, and the SHACL fixtures are many.
//
//     java -cp JENA_CLASSPATH ShaclEach.java SHAPES OUT_DIR DATA...
//
// Each DATA is one graph: its files joined by the path separator (FILE:FILE:...), parsed
// into one graph. Writes OUT_DIR/<n>.ttl, the Turtle validation report of the n-th graph
// (from 0), as Jena's own `shacl validate` command makes it (ShaclValidator).
// Started through kg/stores/jena.py, which knows the classpath of Debian's Jena.

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.File;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.regex.Pattern;

import org.apache.jena.graph.Graph;
import org.apache.jena.graph.Factory;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.shacl.ShaclValidator;
import org.apache.jena.shacl.Shapes;
import org.apache.jena.shacl.ValidationReport;

public class ShaclEach {
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: ShaclEach SHAPES OUT_DIR DATA...");
            System.exit(2);
        }
        Shapes shapes = Shapes.parse(RDFDataMgr.loadGraph(args[0]));
        Path out = Path.of(args[1]);
        for (int i = 2; i < args.length; i++) {
            Graph data = Factory.createDefaultGraph();
            for (String file : args[i].split(Pattern.quote(File.pathSeparator))) {
                RDFDataMgr.read(data, file);
            }
            ValidationReport report = ShaclValidator.get().validate(shapes, data);
            try (OutputStream stream = new FileOutputStream(out.resolve((i - 2) + ".ttl").toFile())) {
                RDFDataMgr.write(stream, report.getModel(), Lang.TTL);
            }
        }
    }
}
