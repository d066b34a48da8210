package web

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"qms/internal/inspection"
	"qms/internal/inspectionops"
	"qms/internal/inspectionops/insptest"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplierops/opstest"
)

// TestSpecReferencePhotos uploads a reference photo for the attribute
// check of a draft from the spec page, sees it in the editor, releases
// the revision with a signature, and sees the photo beside the check on
// the recording page of an inspection against it.
func TestSpecReferencePhotos(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		iw := newInspWeb(t, st)
		ops := &inspectionops.Service{Store: st}
		sp := insptest.SpecOf(iw.w.PB.Product.ID)
		if err := ops.CreateSpec(insptest.System, sp); err != nil {
			t.Fatal(err)
		}
		id := strconv.FormatInt(sp.ID, 10)
		img := image.NewRGBA(image.Rect(0, 0, 40, 30))
		img.Set(3, 3, color.RGBA{0, 60, 160, 255})
		var pngb bytes.Buffer
		png.Encode(&pngb, img)
		post := func(who, char string) response {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			mw.WriteField("version", strconv.FormatInt(sp.Version, 10))
			mw.WriteField("char", char)
			fw, _ := mw.CreateFormFile("file", "golden-sample.png")
			fw.Write(pngb.Bytes())
			mw.Close()
			req, _ := http.NewRequest("POST", iw.srv.URL+"/specs/"+id+"/photos", &b)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			return iw.clients[who].do(req)
		}
		iw.clients["inspector"].get("/specs/"+id).must(t, 200, `id="ref-photo-form"`, `<option value="3">3. Colour</option>`)
		post("viewer", "3").must(t, 403)
		post("supplier", "3").must(t, 403)
		post("inspector", "1").redirectsTo(t, "/specs/"+id+"#ref-photos") // refused with a message: not an attribute check
		if cur, _ := ops.Spec(insptest.System, sp.ID); cur.Version != sp.Version {
			t.Fatal("a refused upload changed the spec")
		}
		post("inspector", "3").redirectsTo(t, "/specs/"+id+"#ref-photos")
		cur, err := ops.Spec(insptest.System, sp.ID)
		if err != nil || len(cur.Characteristics[2].ReferencePhotos) != 1 {
			t.Fatalf("after the upload: %+v, %v", cur, err)
		}
		photo := strconv.FormatInt(cur.Characteristics[2].ReferencePhotos[0], 10)
		iw.clients["inspector"].get("/specs/"+id).must(t, 200, fmt.Sprintf(`name="c.2.photo" value="%s" checked`, photo), "/files/"+photo+"/thumb")
		iw.clients["inspector"].get("/files/"+photo+"/thumb").must(t, 200)
		iw.clients["supplier"].get("/files/"+photo).must(t, 404)

		iw.clients["quality_manager"].post("/specs/"+id+"/release", url.Values{"version": {strconv.FormatInt(cur.Version, 10)},
			"reason": {"golden sample photographed"}, "password": {opstest.Password}}).redirectsTo(t, "/specs/"+id)
		iw.clients["viewer"].get("/specs/"+id).must(t, 200, "/files/"+photo+"/thumb", "Spec release", "matches the record")
		rel, err := ops.Spec(insptest.System, sp.ID)
		if err != nil || rel.Status != inspection.SpecReleased {
			t.Fatalf("release: %+v, %v", rel, err)
		}
		line := iw.w.PB
		line.Spec = rel
		in := iw.w.Lot(t, st, line, inspection.KindInProcess, 500)
		iw.clients["inspector"].get(fmt.Sprintf("/inspections/%d/record", in.ID)).must(t, 200, `data-ref-photos="1"`, "/files/"+photo+"/thumb")
	})
}
